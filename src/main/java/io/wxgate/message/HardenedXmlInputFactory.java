package io.wxgate.message;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.stax.WstxInputFactory;
import java.io.InputStream;
import java.io.Reader;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.transform.Source;
import org.codehaus.stax2.XMLStreamReader2;
import org.codehaus.stax2.util.StreamReader2Delegate;

/**
 * Woodstox input factory for untrusted WeChat callback bodies (camel-notes.md §7).
 *
 * <p>WeChat bodies never carry a DOCTYPE or entity references: strings come as CDATA
 * (wechat-protocol.md §2). So DTDs, external entities and entity replacement are switched off,
 * and every stream reader it creates fails on a DTD or an entity-reference event. The second part
 * matters because with replacement off Woodstox reports {@code &xxe;} as an ENTITY_REFERENCE event
 * that Jackson silently skips, which would quietly cut text out of a message instead of rejecting
 * it. Predefined and character references ({@code &amp;}, {@code &#20013;}) are still expanded by
 * Woodstox and are fine.
 *
 * <p>Only the {@code createXMLStreamReader} methods are guarded, because those are what Jackson's
 * {@code XmlFactory} calls; event readers get the hardened properties but not the guard.
 */
final class HardenedXmlInputFactory extends WstxInputFactory {

    /** WeChat messages are at most three levels deep (§2 subscribe-message events); allow slack. */
    private static final int MAX_ELEMENT_DEPTH = 16;

    HardenedXmlInputFactory() {
        setProperty(XMLInputFactory.SUPPORT_DTD, false);
        setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        setXMLResolver((publicId, systemId, baseUri, namespace) -> {
            throw new XMLStreamException("external resolution is disabled");
        });
        setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, MAX_ELEMENT_DEPTH);
    }

    @Override
    public XMLStreamReader createXMLStreamReader(InputStream in) throws XMLStreamException {
        return guard(super.createXMLStreamReader(in));
    }

    @Override
    public XMLStreamReader createXMLStreamReader(InputStream in, String encoding) throws XMLStreamException {
        return guard(super.createXMLStreamReader(in, encoding));
    }

    @Override
    public XMLStreamReader createXMLStreamReader(Reader reader) throws XMLStreamException {
        return guard(super.createXMLStreamReader(reader));
    }

    @Override
    public XMLStreamReader createXMLStreamReader(Source source) throws XMLStreamException {
        return guard(super.createXMLStreamReader(source));
    }

    @Override
    public XMLStreamReader createXMLStreamReader(String systemId, InputStream in) throws XMLStreamException {
        return guard(super.createXMLStreamReader(systemId, in));
    }

    @Override
    public XMLStreamReader createXMLStreamReader(String systemId, Reader reader) throws XMLStreamException {
        return guard(super.createXMLStreamReader(systemId, reader));
    }

    @Override
    public XMLStreamReader2 createXMLStreamReader(java.net.URL url) throws XMLStreamException {
        return guard(super.createXMLStreamReader(url));
    }

    @Override
    public XMLStreamReader2 createXMLStreamReader(java.io.File file) throws XMLStreamException {
        return guard(super.createXMLStreamReader(file));
    }

    private static XMLStreamReader2 guard(XMLStreamReader reader) {
        return new RejectingReader((XMLStreamReader2) reader);
    }

    /** Raised by a guarded reader; the message is fixed text, never input. */
    static final class ForbiddenConstructException extends XMLStreamException {

        private static final long serialVersionUID = 1L;

        ForbiddenConstructException(String reason) {
            super(reason);
        }
    }

    static final String DOCTYPE_REJECTED = "DOCTYPE is not allowed";
    static final String ENTITY_REJECTED = "entity references are not allowed";

    /**
     * Checks every event. {@code nextTag}, {@code skipElement} and {@code getElementText} are
     * re-implemented on top of {@link #next()} because Woodstox's own versions advance the
     * underlying reader directly and would bypass the check (Jackson calls {@code skipElement} on
     * elements marked {@code xsi:nil}).
     */
    private static final class RejectingReader extends StreamReader2Delegate {

        RejectingReader(XMLStreamReader2 reader) {
            super(reader);
        }

        @Override
        public int next() throws XMLStreamException {
            int event = super.next();
            if (event == XMLStreamConstants.DTD) {
                throw new ForbiddenConstructException(DOCTYPE_REJECTED);
            }
            if (event == XMLStreamConstants.ENTITY_REFERENCE) {
                throw new ForbiddenConstructException(ENTITY_REJECTED);
            }
            return event;
        }

        @Override
        public int nextTag() throws XMLStreamException {
            int event = next();
            while (event == XMLStreamConstants.SPACE || event == XMLStreamConstants.COMMENT
                    || event == XMLStreamConstants.PROCESSING_INSTRUCTION
                    || (event == XMLStreamConstants.CHARACTERS && isWhiteSpace())) {
                event = next();
            }
            if (event != XMLStreamConstants.START_ELEMENT && event != XMLStreamConstants.END_ELEMENT) {
                throw new XMLStreamException("expected a start or end tag");
            }
            return event;
        }

        @Override
        public void skipElement() throws XMLStreamException {
            if (getEventType() != XMLStreamConstants.START_ELEMENT) {
                throw new IllegalStateException("skipElement() needs a START_ELEMENT");
            }
            int depth = 1;
            while (depth > 0) {
                int event = next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
        }

        @Override
        public String getElementText() throws XMLStreamException {
            if (getEventType() != XMLStreamConstants.START_ELEMENT) {
                throw new XMLStreamException("getElementText() needs a START_ELEMENT");
            }
            StringBuilder text = new StringBuilder();
            for (int event = next(); event != XMLStreamConstants.END_ELEMENT; event = next()) {
                switch (event) {
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                            text.append(getText());
                    case XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION -> { }
                    default -> throw new XMLStreamException("element has child elements or ends early");
                }
            }
            return text.toString();
        }
    }
}
