package io.wxgate.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import org.codehaus.stax2.XMLStreamReader2;
import org.codehaus.stax2.io.Stax2ByteArraySource;
import org.junit.jupiter.api.Test;

/**
 * The reader-level guard, through every way of moving a reader forward. Jackson mostly calls
 * {@code next()}, but uses {@code skipElement()} for some elements (e.g. xsi:nil), and code that
 * borrows the factory may use {@code nextTag()} or {@code getElementText()}.
 */
class HardenedXmlInputFactoryTest {

    private final HardenedXmlInputFactory factory = new HardenedXmlInputFactory();

    private XMLStreamReader2 readerAtFirstChild(String xml) throws Exception {
        XMLStreamReader2 reader = (XMLStreamReader2) factory.createXMLStreamReader(new StringReader(xml));
        reader.nextTag();
        reader.nextTag();
        return reader;
    }

    @Test
    void skipElementStillRejectsEntityReferences() throws Exception {
        XMLStreamReader2 reader = readerAtFirstChild("<xml><Unknown><Deeper>&xxe;</Deeper></Unknown></xml>");

        assertThatThrownBy(reader::skipElement).hasMessage(HardenedXmlInputFactory.ENTITY_REJECTED);
    }

    @Test
    void skipElementSkipsToTheMatchingEndTag() throws Exception {
        XMLStreamReader2 reader = readerAtFirstChild("<xml><A><A>x</A><B/></A><C>c</C></xml>");

        reader.skipElement();

        assertThat(reader.getEventType()).isEqualTo(XMLStreamConstants.END_ELEMENT);
        assertThat(reader.getLocalName()).isEqualTo("A");
        assertThat(reader.nextTag()).isEqualTo(XMLStreamConstants.START_ELEMENT);
        assertThat(reader.getLocalName()).isEqualTo("C");
    }

    @Test
    void getElementTextStillRejectsEntityReferences() throws Exception {
        XMLStreamReader reader = readerAtFirstChild("<xml><Content>a &xxe; b</Content></xml>");

        assertThatThrownBy(reader::getElementText).hasMessage(HardenedXmlInputFactory.ENTITY_REJECTED);
    }

    @Test
    void getElementTextJoinsTextAndCdata() throws Exception {
        XMLStreamReader reader = readerAtFirstChild("<xml><Content>a &amp; <![CDATA[<b>]]><!-- c --></Content></xml>");

        assertThat(reader.getElementText()).isEqualTo("a & <b>");
        assertThat(reader.getEventType()).isEqualTo(XMLStreamConstants.END_ELEMENT);
    }

    @Test
    void nextTagStillRejectsTheDoctype() throws Exception {
        XMLStreamReader reader = factory.createXMLStreamReader(new StringReader("<!DOCTYPE xml><xml/>"));

        assertThatThrownBy(reader::nextTag).hasMessage(HardenedXmlInputFactory.DOCTYPE_REJECTED);
    }

    @Test
    void everyStreamReaderTheFactoryCreatesIsGuarded() throws Exception {
        byte[] bytes = "<!DOCTYPE xml><xml/>".getBytes(StandardCharsets.UTF_8);
        List<XMLStreamReader> readers = List.of(
                factory.createXMLStreamReader(new ByteArrayInputStream(bytes)),
                factory.createXMLStreamReader(new ByteArrayInputStream(bytes), "UTF-8"),
                factory.createXMLStreamReader("sys", new ByteArrayInputStream(bytes)),
                factory.createXMLStreamReader("sys", new StringReader("<!DOCTYPE xml><xml/>")),
                factory.createXMLStreamReader(new Stax2ByteArraySource(bytes, 0, bytes.length)));

        assertThat(readers).allSatisfy(reader ->
                assertThatThrownBy(reader::next).hasMessage(HardenedXmlInputFactory.DOCTYPE_REJECTED));
    }
}
