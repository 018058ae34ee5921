package io.wxgate.message;

import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import java.io.IOException;

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
    static final String NOT_A_MESSAGE = "XML is not a WeChat message";

    private final XmlMapper mapper;

    public WeChatXml() {
        this.mapper = XmlMapper.builder(new XmlFactory(new HardenedXmlInputFactory()))
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
     * Binds the body to a {@link WeChatMessage} in one pass: the guarded reader rejects a DOCTYPE
     * or an entity reference as it meets it. Unknown elements are ignored (§2: "ignore unknown
     * elements").
     *
     * @throws XmlRejectedException for a DOCTYPE, an entity reference, a malformed or empty body,
     *     or XML that does not bind (e.g. a non-numeric CreateTime)
     */
    public WeChatMessage parse(String xml) {
        if (xml == null || xml.isEmpty()) {
            throw new XmlRejectedException(EMPTY_BODY);
        }
        try {
            return mapper.readValue(xml, WeChatMessage.class);
        } catch (StreamReadException e) {
            throw rejection(e, NOT_WELL_FORMED);
        } catch (IOException e) {
            throw rejection(e, NOT_A_MESSAGE);
        }
    }

    /** Keeps our own fixed reasons; everything else a parser says may quote the input. */
    private static XmlRejectedException rejection(Throwable failure, String otherwise) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HardenedXmlInputFactory.ForbiddenConstructException forbidden) {
                return new XmlRejectedException(forbidden.getMessage());
            }
        }
        return new XmlRejectedException(otherwise);
    }
}
