package io.wxgate.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.stream.XMLInputFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and broken bodies (camel-notes.md §7): rejected, nothing resolved, nothing echoed. */
class WeChatXmlRejectionTest {

    private static final String MARKER = "wxgate-secret-marker-7f3c";

    private final WeChatXml xml = new WeChatXml();

    @TempDir
    Path tmp;

    private String externalEntityPayload() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret.txt"), MARKER);
        return "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>"
                + "<xml><ToUserName>gh_1</ToUserName><MsgType>text</MsgType><Content>&xxe;</Content></xml>";
    }

    private static final String BILLION_LAUGHS = "<?xml version=\"1.0\"?><!DOCTYPE lolz ["
            + "<!ENTITY lol \"lol\">"
            + "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
            + "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
            + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
            + "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
            + "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
            + "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
            + "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
            + "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
            + "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">"
            + "]><xml><Content>&lol9;</Content></xml>";

    /** Every message in the cause chain, so a leak anywhere is caught. */
    private static String allMessages(Throwable failure) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t).append('\n');
        }
        return messages.toString();
    }

    @Test
    void externalEntityIsRejectedWithoutReadingTheFile() throws Exception {
        // given
        String payload = externalEntityPayload();

        // when
        Throwable failure = catchThrowable(() -> xml.parse(payload));

        // then
        assertThat(failure).isInstanceOf(XmlRejectedException.class).hasMessage("DOCTYPE is not allowed");
        assertThat(allMessages(failure)).doesNotContain(MARKER);
    }

    @Test
    void externalEntityThroughTheCamelMapperFailsWithoutReadingTheFile() throws Exception {
        // given: Camel's jacksonXml data format calls the mapper directly
        String payload = externalEntityPayload();

        // when
        Throwable failure = catchThrowable(() -> xml.mapper().readValue(payload, WeChatMessage.class));

        // then
        assertThat(failure).isNotNull();
        assertThat(allMessages(failure)).doesNotContain(MARKER).contains("DOCTYPE is not allowed");
    }

    @Test
    void undeclaredEntityReferenceWithoutDoctypeIsRejected() {
        String body = "<xml><MsgType>text</MsgType><Content>before &xxe; after</Content></xml>";

        assertThatThrownBy(() -> xml.parse(body))
                .isInstanceOf(XmlRejectedException.class)
                .hasMessage("entity references are not allowed");
    }

    @Test
    void undeclaredEntityReferenceThroughTheCamelMapperFailsInsteadOfDroppingText() {
        // with entity replacement off Woodstox would report &xxe; as an event that Jackson skips
        String body = "<xml><MsgType>text</MsgType><Content>before &xxe; after</Content></xml>";

        assertThatThrownBy(() -> xml.mapper().readValue(body, WeChatMessage.class))
                .hasRootCauseMessage("entity references are not allowed");
    }

    @Test
    void entityReferenceInsideAnIgnoredUnknownElementIsRejectedToo() {
        String body = "<xml><MsgType>text</MsgType><Unknown><Deeper>&xxe;</Deeper></Unknown><Content>a</Content></xml>";

        assertThatThrownBy(() -> xml.parse(body))
                .isInstanceOf(XmlRejectedException.class)
                .hasMessage("entity references are not allowed");
    }

    @Test
    void entityReferenceInsideAnXsiNilElementIsRejected() {
        // Jackson skips an xsi:nil element with one skipElement() call, which must not bypass the guard
        String body = "<xml xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><MsgType>text</MsgType>"
                + "<Content xsi:nil=\"true\">&xxe;</Content></xml>";

        assertThatThrownBy(() -> xml.parse(body))
                .isInstanceOf(XmlRejectedException.class)
                .hasMessage("entity references are not allowed");
    }

    @Test
    void billionLaughsIsRejected() {
        assertThatThrownBy(() -> xml.parse(BILLION_LAUGHS))
                .isInstanceOf(XmlRejectedException.class)
                .hasMessage("DOCTYPE is not allowed");
    }

    @Test
    void billionLaughsThroughTheCamelMapperIsRejected() {
        assertThatThrownBy(() -> xml.mapper().readValue(BILLION_LAUGHS, WeChatMessage.class))
                .hasRootCauseMessage("DOCTYPE is not allowed");
    }

    @Test
    void doctypeWithoutEntitiesIsRejected() {
        String body = "<!DOCTYPE xml><xml><MsgType>text</MsgType><Content>hi</Content></xml>";

        assertThatThrownBy(() -> xml.parse(body))
                .isInstanceOf(XmlRejectedException.class)
                .hasMessage("DOCTYPE is not allowed");
    }

    @Test
    void internalEntityDeclarationIsRejected() {
        String body = "<!DOCTYPE xml [<!ENTITY greeting \"hello\">]><xml><Content>&greeting;</Content></xml>";

        assertThatThrownBy(() -> xml.parse(body))
                .isInstanceOf(XmlRejectedException.class)
                .hasMessage("DOCTYPE is not allowed");
    }

    @Test
    void doctypeIsRejectedFromBytesToo() {
        // Camel's jacksonXml data format hands the mapper the body as a stream of bytes
        byte[] body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!DOCTYPE xml><xml/>".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> xml.mapper().readValue(body, WeChatMessage.class))
                .hasRootCauseMessage("DOCTYPE is not allowed");
    }

    @Test
    void aDoctypeInsideCdataTextIsOnlyText() throws Exception {
        byte[] body = "<xml><Content><![CDATA[<!DOCTYPE x>你好]]></Content></xml>".getBytes(StandardCharsets.UTF_8);

        assertThat(xml.mapper().readValue(body, WeChatMessage.class).getContent()).isEqualTo("<!DOCTYPE x>你好");
    }

    @Test
    void aBodyBrokenAfterTheRootStartTagIsRejected() {
        assertThatThrownBy(() -> xml.parse("<xml><Content>unclosed")).hasMessage("XML is not well-formed");
    }

    @Test
    void malformedXmlIsRejectedWithoutEchoingIt() {
        String body = "<xml><Content>" + MARKER + "</Contnet></xml>";

        Throwable failure = catchThrowable(() -> xml.parse(body));

        assertThat(failure).isInstanceOf(XmlRejectedException.class).hasMessage("XML is not well-formed");
        assertThat(allMessages(failure)).doesNotContain(MARKER);
    }

    @Test
    void contentAfterTheRootElementIsRejected() {
        assertThatThrownBy(() -> xml.parse("<xml><Content>a</Content></xml><xml><Content>b</Content></xml>"))
                .isInstanceOf(XmlRejectedException.class)
                .hasMessage("XML is not well-formed");
        assertThatThrownBy(() -> xml.parse("<xml><Content>a</Content></xml>trailing"))
                .isInstanceOf(XmlRejectedException.class)
                .hasMessage("XML is not well-formed");
    }

    @Test
    void jsonBodyIsRejected() {
        String body = "{\"ToUserName\":\"gh_1\",\"MsgType\":\"text\",\"Content\":\"hi\"}";

        assertThatThrownBy(() -> xml.parse(body))
                .isInstanceOf(XmlRejectedException.class)
                .hasMessage("XML is not well-formed");
    }

    @Test
    void emptyBodyIsRejected() {
        assertThatThrownBy(() -> xml.parse("")).isInstanceOf(XmlRejectedException.class).hasMessage("empty body");
        assertThatThrownBy(() -> xml.parse(null)).isInstanceOf(XmlRejectedException.class).hasMessage("empty body");
    }

    @Test
    void whitespaceOnlyBodyIsRejected() {
        assertThatThrownBy(() -> xml.parse("  \n"))
                .isInstanceOf(XmlRejectedException.class)
                .hasMessage("XML is not well-formed");
    }

    @Test
    void wellFormedXmlThatDoesNotBindIsRejected() {
        String body = "<xml><CreateTime>" + MARKER + "</CreateTime></xml>";

        Throwable failure = catchThrowable(() -> xml.parse(body));

        assertThat(failure).isInstanceOf(XmlRejectedException.class).hasMessage("XML is not a WeChat message");
        assertThat(allMessages(failure)).doesNotContain(MARKER);
    }

    @Test
    void absurdlyDeepNestingIsRejected() {
        String body = "<xml>" + "<a>".repeat(100) + "</a>".repeat(100) + "</xml>";

        assertThatThrownBy(() -> xml.parse(body))
                .isInstanceOf(XmlRejectedException.class)
                .hasMessage("XML is not well-formed");
    }

    @Test
    void mapperFactoryHasDtdEntitiesAndReplacementSwitchedOff() {
        XMLInputFactory factory = xml.mapper().getFactory().getXMLInputFactory();

        assertThat(factory.getProperty(XMLInputFactory.SUPPORT_DTD)).isEqualTo(false);
        assertThat(factory.getProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES)).isEqualTo(false);
        assertThat(factory.getProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES)).isEqualTo(false);
    }

    @Test
    void copiedMapperKeepsTheGuard() {
        // Camel or Spring may copy() the mapper; the factory instance must travel with it
        assertThatThrownBy(() -> xml.mapper().copy().readValue(BILLION_LAUGHS, WeChatMessage.class))
                .hasRootCauseMessage("DOCTYPE is not allowed");
    }
}
