package io.wxgate.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * Passive replies (wechat-protocol.md §4). Rendered XML is read back with the JDK's own DOM
 * parser, independent of the Woodstox setup used for inbound messages.
 */
class ReplyXmlTest {

    private static final String USER = "oQ7Rk5vZ3yLb-8xWn2PcTfJ0aDm4";
    private static final String ACCOUNT = "gh_3a1b9c0d7e2f";

    private static Document dom(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(Document doc, String xpath) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(xpath, doc);
    }

    private static boolean exists(Document doc, String xpath) throws Exception {
        return (Boolean) XPathFactory.newInstance().newXPath().evaluate("boolean(" + xpath + ")", doc,
                XPathConstants.BOOLEAN);
    }

    @Test
    void textReplyMatchesWeChatsSampleExactly() {
        String xml = ReplyXml.render(new Reply.Text("你好"), "toUser", "fromUser", 12345678L);

        assertThat(xml).isEqualTo("<xml><ToUserName><![CDATA[toUser]]></ToUserName>"
                + "<FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>12345678</CreateTime>"
                + "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content></xml>");
    }

    @Test
    void textReplyReadsBackAsAWeChatMessage() {
        String xml = ReplyXml.render(new Reply.Text("收到，谢谢 & <再见>"), USER, ACCOUNT, 1718000001L);

        WeChatMessage reply = new WeChatXml().parse(xml);

        assertThat(reply.getToUserName()).isEqualTo(USER);
        assertThat(reply.getFromUserName()).isEqualTo(ACCOUNT);
        assertThat(reply.getCreateTime()).isEqualTo(1718000001L);
        assertThat(reply.getMsgType()).isEqualTo("text");
        assertThat(reply.getContent()).isEqualTo("收到，谢谢 & <再见>");
    }

    @Test
    void imageReply() throws Exception {
        Document doc = dom(ReplyXml.render(new Reply.Image("img-media-1"), USER, ACCOUNT, 1L));

        assertThat(text(doc, "/xml/MsgType")).isEqualTo("image");
        assertThat(text(doc, "/xml/Image/MediaId")).isEqualTo("img-media-1");
    }

    @Test
    void voiceReply() throws Exception {
        Document doc = dom(ReplyXml.render(new Reply.Voice("voice-media-1"), USER, ACCOUNT, 1L));

        assertThat(text(doc, "/xml/MsgType")).isEqualTo("voice");
        assertThat(text(doc, "/xml/Voice/MediaId")).isEqualTo("voice-media-1");
    }

    @Test
    void videoReplyWithTitleAndDescription() throws Exception {
        Document doc = dom(ReplyXml.render(new Reply.Video("video-media-1", "产品演示", "两分钟了解"), USER, ACCOUNT, 1L));

        assertThat(text(doc, "/xml/MsgType")).isEqualTo("video");
        assertThat(text(doc, "/xml/Video/MediaId")).isEqualTo("video-media-1");
        assertThat(text(doc, "/xml/Video/Title")).isEqualTo("产品演示");
        assertThat(text(doc, "/xml/Video/Description")).isEqualTo("两分钟了解");
    }

    @Test
    void videoReplyOmitsAbsentTitleAndDescription() {
        String xml = ReplyXml.render(new Reply.Video("video-media-1", null, null), USER, ACCOUNT, 1L);

        assertThat(xml).contains("<Video><MediaId><![CDATA[video-media-1]]></MediaId></Video>");
    }

    @Test
    void musicReplyInWeChatsElementOrder() throws Exception {
        String xml = ReplyXml.render(new Reply.Music("晚安曲", "轻音乐", "https://example.com/a.mp3",
                "https://example.com/a-hq.mp3", "thumb-1"), USER, ACCOUNT, 1L);
        Document doc = dom(xml);

        assertThat(text(doc, "/xml/MsgType")).isEqualTo("music");
        assertThat(text(doc, "/xml/Music/Title")).isEqualTo("晚安曲");
        assertThat(text(doc, "/xml/Music/Description")).isEqualTo("轻音乐");
        assertThat(text(doc, "/xml/Music/MusicUrl")).isEqualTo("https://example.com/a.mp3");
        assertThat(text(doc, "/xml/Music/HQMusicUrl")).isEqualTo("https://example.com/a-hq.mp3");
        assertThat(text(doc, "/xml/Music/ThumbMediaId")).isEqualTo("thumb-1");
        assertThat(xml).containsSubsequence("<Title>", "<Description>", "<MusicUrl>", "<HQMusicUrl>", "<ThumbMediaId>");
    }

    @Test
    void musicReplyOmitsAbsentOptionalParts() throws Exception {
        Document doc = dom(ReplyXml.render(new Reply.Music(null, null, "https://example.com/a.mp3", null, "thumb-1"),
                USER, ACCOUNT, 1L));

        assertThat(exists(doc, "/xml/Music/Title")).isFalse();
        assertThat(exists(doc, "/xml/Music/Description")).isFalse();
        assertThat(exists(doc, "/xml/Music/HQMusicUrl")).isFalse();
        assertThat(text(doc, "/xml/Music/MusicUrl")).isEqualTo("https://example.com/a.mp3");
        assertThat(text(doc, "/xml/Music/ThumbMediaId")).isEqualTo("thumb-1");
    }

    @Test
    void musicReplyNeedsAThumbMediaId() {
        assertThatThrownBy(() -> new Reply.Music("t", "d", "https://example.com/a.mp3", null, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("thumbMediaId");
    }

    @Test
    void newsReplyWithOneArticle() throws Exception {
        Reply news = new Reply.News(List.of(new Reply.Article("春季新品", "点击查看", "https://example.com/p.jpg",
                "https://example.com/spring?a=1&b=2")));

        Document doc = dom(ReplyXml.render(news, USER, ACCOUNT, 1L));

        assertThat(text(doc, "/xml/MsgType")).isEqualTo("news");
        assertThat(text(doc, "/xml/ArticleCount")).isEqualTo("1");
        assertThat(text(doc, "count(/xml/Articles/item)")).isEqualTo("1");
        assertThat(text(doc, "/xml/Articles/item/Title")).isEqualTo("春季新品");
        assertThat(text(doc, "/xml/Articles/item/Description")).isEqualTo("点击查看");
        assertThat(text(doc, "/xml/Articles/item/PicUrl")).isEqualTo("https://example.com/p.jpg");
        assertThat(text(doc, "/xml/Articles/item/Url")).isEqualTo("https://example.com/spring?a=1&b=2");
    }

    @Test
    void newsReplyCountsSeveralArticlesInOrder() throws Exception {
        Reply news = new Reply.News(List.of(new Reply.Article("one", null, null, "https://example.com/1"),
                new Reply.Article("two", null, null, "https://example.com/2")));

        Document doc = dom(ReplyXml.render(news, USER, ACCOUNT, 1L));

        assertThat(text(doc, "/xml/ArticleCount")).isEqualTo("2");
        assertThat(text(doc, "/xml/Articles/item[1]/Title")).isEqualTo("one");
        assertThat(text(doc, "/xml/Articles/item[2]/Title")).isEqualTo("two");
        assertThat(exists(doc, "/xml/Articles/item[1]/PicUrl")).isFalse();
    }

    @Test
    void newsReplyNeedsOneToEightArticles() {
        Reply.Article article = new Reply.Article("t", null, null, "https://example.com");

        assertThatThrownBy(() -> new Reply.News(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Reply.News(Collections.nCopies(9, article)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cdataTerminatorInContentSurvivesARoundTrip() throws Exception {
        String content = "a]]>b ]]]]> <![CDATA[x]]> ]]";

        String xml = ReplyXml.render(new Reply.Text(content), USER, ACCOUNT, 1L);

        assertThat(text(dom(xml), "/xml/Content")).isEqualTo(content);
        assertThat(new WeChatXml().parse(xml).getContent()).isEqualTo(content);
    }

    @Test
    void cdataTerminatorInIdsSurvivesARoundTrip() throws Exception {
        Document doc = dom(ReplyXml.render(new Reply.Image("id]]>1"), "to]]>user", "from]]>", 1L));

        assertThat(text(doc, "/xml/ToUserName")).isEqualTo("to]]>user");
        assertThat(text(doc, "/xml/FromUserName")).isEqualTo("from]]>");
        assertThat(text(doc, "/xml/Image/MediaId")).isEqualTo("id]]>1");
    }

    @Test
    void charactersXmlForbidsAreDroppedSoTheReplyStaysParseable() throws Exception {
        String content = "a\u0000b\u001Fc\uFFFEd\uD800e\tf\ng 😀";

        Document doc = dom(ReplyXml.render(new Reply.Text(content), USER, ACCOUNT, 1L));

        assertThat(text(doc, "/xml/Content")).isEqualTo("abcde\tf\ng 😀");
    }

    @Test
    void repliesNeedRecipientAndSender() {
        Reply reply = new Reply.Text("hi");

        assertThatThrownBy(() -> ReplyXml.render(reply, null, ACCOUNT, 1L)).hasMessage("toUser");
        assertThatThrownBy(() -> ReplyXml.render(reply, USER, null, 1L)).hasMessage("fromUser");
    }
}
