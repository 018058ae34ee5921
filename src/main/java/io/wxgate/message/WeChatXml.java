package io.wxgate.message;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads WeChat callback XML (wechat-protocol.md §2) safely. Thread-safe; make one per application.
 *
 * <p>The {@link #mapper()} is also what the gateway gives to Camel's {@code jacksonXml} data
 * format, so the Camel path gets the same protection: no DTD, no external entities, no entity
 * expansion, and any DOCTYPE or entity reference fails the parse (see
 * {@link HardenedXmlInputFactory}). We build the input factory ourselves, and Jackson applies its
 * own safe defaults only to factories it creates (camel-notes.md §7), so every switch is set
 * explicitly there.
 */
public final class WeChatXml {

    static final String EMPTY_BODY = "empty body";
    static final String NOT_WELL_FORMED = "XML is not well-formed";
    static final String NO_ROOT = "XML has no root element";
    static final String NOT_A_MESSAGE = "XML is not a WeChat message";

    private final XMLInputFactory inputFactory;
    private final XmlMapper mapper;

    public WeChatXml() {
        this.inputFactory = new HardenedXmlInputFactory();
        this.mapper = XmlMapper.builder(new XmlFactory(inputFactory))
                // §2: ignore unknown elements, WeChat adds fields over time.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // Otherwise Jackson stops at </xml> and accepts any junk after it.
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /** The hardened mapper, for Camel's {@code jacksonXml} data format ({@code xmlMapper} option). */
    public XmlMapper mapper() {
        return mapper;
    }

    /**
     * Rejects a body whose prolog has a DOCTYPE (and so any entity declaration) or is not
     * well-formed. Reads only up to the root start tag, so it is cheap to run before binding and
     * a {@code <!DOCTYPE} inside CDATA text of the body is never looked at.
     *
     * @throws XmlRejectedException with a short reason that never quotes the body
     */
    public void requireNoDoctype(String xml) {
        if (xml == null || xml.isEmpty()) {
            throw new XmlRejectedException(EMPTY_BODY);
        }
        try {
            scanProlog(inputFactory.createXMLStreamReader(new StringReader(xml)));
        } catch (XMLStreamException e) {
            throw rejection(e);
        }
    }

    /**
     * Byte variant of {@link #requireNoDoctype(String)}; the encoding comes from the XML
     * declaration, UTF-8 when there is none (§2: bodies are UTF-8).
     */
    public void requireNoDoctype(byte[] xml) {
        if (xml == null || xml.length == 0) {
            throw new XmlRejectedException(EMPTY_BODY);
        }
        try {
            scanProlog(inputFactory.createXMLStreamReader(new ByteArrayInputStream(xml)));
        } catch (XMLStreamException e) {
            throw rejection(e);
        }
    }

    /**
     * Checks the prolog and binds the body to a {@link WeChatMessage}. Unknown elements are
     * ignored (§2: "ignore unknown elements").
     *
     * @throws XmlRejectedException for a DOCTYPE, an entity reference, a malformed or empty body,
     *     or XML that does not bind (e.g. a non-numeric CreateTime)
     */
    public WeChatMessage parse(String xml) {
        requireNoDoctype(xml);
        try {
            return mapper.readValue(xml, WeChatMessage.class);
        } catch (StreamReadException e) {
            throw rejection(e);
        } catch (IOException e) {
            throw new XmlRejectedException(NOT_A_MESSAGE);
        }
    }

    private static void scanProlog(XMLStreamReader reader) throws XMLStreamException {
        try {
            while (reader.hasNext()) {
                // The guarded reader throws on a DTD event; START_ELEMENT ends the prolog.
                if (reader.next() == XMLStreamConstants.START_ELEMENT) {
                    return;
                }
            }
            throw new XmlRejectedException(NO_ROOT);
        } finally {
            reader.close();
        }
    }

    /** Keeps our own fixed reasons; everything else a parser says may quote the input. */
    private static XmlRejectedException rejection(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HardenedXmlInputFactory.ForbiddenConstructException forbidden) {
                return new XmlRejectedException(forbidden.getMessage());
            }
        }
        return new XmlRejectedException(NOT_WELL_FORMED);
    }
}
