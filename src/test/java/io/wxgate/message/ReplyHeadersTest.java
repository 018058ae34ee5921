package io.wxgate.message;

import static io.wxgate.message.ReplyHeaders.DESCRIPTION;
import static io.wxgate.message.ReplyHeaders.HQ_MUSIC_URL;
import static io.wxgate.message.ReplyHeaders.IMAGE;
import static io.wxgate.message.ReplyHeaders.MUSIC_URL;
import static io.wxgate.message.ReplyHeaders.NEWS_URL;
import static io.wxgate.message.ReplyHeaders.PIC_URL;
import static io.wxgate.message.ReplyHeaders.REPLY;
import static io.wxgate.message.ReplyHeaders.TEXT;
import static io.wxgate.message.ReplyHeaders.THUMB_MEDIA_ID;
import static io.wxgate.message.ReplyHeaders.TITLE;
import static io.wxgate.message.ReplyHeaders.VIDEO;
import static io.wxgate.message.ReplyHeaders.VOICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The header contract YAML routes use to answer with a passive reply (wechat-protocol.md §4). */
class ReplyHeadersTest {

    private static Optional<Reply> replyFor(Object... namesAndValues) {
        Map<String, Object> headers = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return ReplyHeaders.fromHeaders(headers::get);
    }

    @Test
    void headerNamesAreTheDocumentedOnes() {
        assertThat(List.of(REPLY, TEXT, IMAGE, VOICE, VIDEO, MUSIC_URL, NEWS_URL, TITLE, DESCRIPTION,
                HQ_MUSIC_URL, THUMB_MEDIA_ID, PIC_URL)).containsExactly("WeChatReply", "WeChatReplyText",
                "WeChatReplyImage", "WeChatReplyVoice", "WeChatReplyVideo", "WeChatReplyMusicUrl",
                "WeChatReplyNewsUrl", "WeChatReplyTitle", "WeChatReplyDescription", "WeChatReplyHqMusicUrl",
                "WeChatReplyThumbMediaId", "WeChatReplyPicUrl")
                .allMatch(name -> name.startsWith(ReplyHeaders.PREFIX));
    }

    @Test
    void anImageUrlBecomesAnImageReplyWithTheMediaIdOfItsUpload() {
        Map<String, Object> headers = Map.of(ReplyHeaders.IMAGE_URL, "https://cdn.example.com/a.png");

        assertThat(ReplyHeaders.fromHeaders(headers::get, url -> "media-of-" + url))
                .contains(new Reply.Image("media-of-https://cdn.example.com/a.png"));
        assertThat(ReplyHeaders.IMAGE_URL).isEqualTo("WeChatReplyImageUrl");
    }

    @Test
    void anImageUrlMustBeHttpAndTheOnlyKind() {
        Map<String, Object> notHttp = Map.of(ReplyHeaders.IMAGE_URL, "file:///etc/passwd");
        Map<String, Object> twoKinds = Map.of(ReplyHeaders.IMAGE_URL, "https://cdn.example.com/a.png", TEXT, "hi");

        assertThatThrownBy(() -> ReplyHeaders.fromHeaders(notHttp::get, url -> "never"))
                .hasMessageContaining("http or https URL");
        assertThatThrownBy(() -> ReplyHeaders.fromHeaders(twoKinds::get, url -> "never"))
                .hasMessageContaining("Conflicting reply headers");
        assertThatThrownBy(() -> ReplyHeaders.fromHeaders(Map.<String, Object>of(ReplyHeaders.IMAGE_URL,
                "https://cdn.example.com/a.png")::get)).hasMessageContaining("image uploads");
    }

    @Test
    void noReplyHeadersMeansNoReply() {
        assertThat(replyFor("CamelHttpMethod", "POST")).isEmpty();
    }

    @Test
    void textHeaderMakesATextReply() {
        assertThat(replyFor(TEXT, "欢迎关注")).contains(new Reply.Text("欢迎关注"));
    }

    @Test
    void blankValuesCountAsAbsent() {
        assertThat(replyFor(TEXT, "  ")).isEmpty();
        assertThat(replyFor(TEXT, "hi", TITLE, "")).contains(new Reply.Text("hi"));
    }

    @Test
    void nonStringValuesAreConvertedWithStringValueOf() {
        assertThat(replyFor(TEXT, 42)).contains(new Reply.Text("42"));
    }

    @Test
    void imageAndVoiceHeadersCarryTheMediaId() {
        assertThat(replyFor(IMAGE, "img-1")).contains(new Reply.Image("img-1"));
        assertThat(replyFor(VOICE, "voice-1")).contains(new Reply.Voice("voice-1"));
    }

    @Test
    void videoHeaderWithOptionalTitleAndDescription() {
        assertThat(replyFor(VIDEO, "video-1", TITLE, "演示", DESCRIPTION, "两分钟"))
                .contains(new Reply.Video("video-1", "演示", "两分钟"));
        assertThat(replyFor(VIDEO, "video-1")).contains(new Reply.Video("video-1", null, null));
    }

    @Test
    void musicHeadersMakeAMusicReply() {
        assertThat(replyFor(MUSIC_URL, "https://example.com/a.mp3", HQ_MUSIC_URL, "https://example.com/hq.mp3",
                THUMB_MEDIA_ID, "thumb-1", TITLE, "晚安", DESCRIPTION, "轻音乐"))
                .contains(new Reply.Music("晚安", "轻音乐", "https://example.com/a.mp3", "https://example.com/hq.mp3",
                        "thumb-1"));
    }

    @Test
    void musicWithoutThumbMediaIdFailsNamingBothHeaders() {
        assertThatThrownBy(() -> replyFor(MUSIC_URL, "https://example.com/a.mp3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WeChatReplyMusicUrl")
                .hasMessageContaining("WeChatReplyThumbMediaId");
    }

    @Test
    void newsHeadersMakeOneArticle() {
        assertThat(replyFor(NEWS_URL, "https://example.com/spring", TITLE, "春季新品", DESCRIPTION, "点击查看",
                PIC_URL, "https://example.com/p.jpg"))
                .contains(new Reply.News(List.of(new Reply.Article("春季新品", "点击查看", "https://example.com/p.jpg",
                        "https://example.com/spring"))));
    }

    @Test
    void newsWithoutTitleFailsNamingBothHeaders() {
        assertThatThrownBy(() -> replyFor(NEWS_URL, "https://example.com/spring"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WeChatReplyNewsUrl")
                .hasMessageContaining("WeChatReplyTitle");
    }

    @Test
    void readyReplyObjectIsUsedAsIs() {
        Reply ready = new Reply.Image("img-9");

        assertThat(replyFor(REPLY, ready)).containsSame(ready);
    }

    @Test
    void replyHeaderHoldingSomethingElseFails() {
        assertThatThrownBy(() -> replyFor(REPLY, "hello"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WeChatReply")
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void twoKindsFailNamingBoth() {
        assertThatThrownBy(() -> replyFor(TEXT, "hi", IMAGE, "img-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[WeChatReplyText, WeChatReplyImage]");
    }

    @Test
    void readyReplyPlusAHeaderKindConflicts() {
        assertThatThrownBy(() -> replyFor(REPLY, new Reply.Text("a"), TEXT, "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[WeChatReply, WeChatReplyText]");
    }

    @Test
    void partsWithoutAKindFail() {
        assertThatThrownBy(() -> replyFor(TITLE, "orphan", THUMB_MEDIA_ID, "thumb-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[WeChatReplyTitle, WeChatReplyThumbMediaId]");
    }

    @Test
    void partsTheChosenKindDoesNotUseFail() {
        assertThatThrownBy(() -> replyFor(VIDEO, "video-1", PIC_URL, "https://example.com/p.jpg"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("WeChatReplyPicUrl")
                .hasMessageContaining("WeChatReplyVideo");
    }

    @Test
    void headerReplyRendersToWeChatXml() {
        Reply reply = replyFor(TEXT, "收到").orElseThrow();

        String xml = ReplyXml.render(reply, "oUser", "gh_account", 1718000002L);

        assertThat(new WeChatXml().parse(xml).getContent()).isEqualTo("收到");
    }
}
