package io.wxgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** A bad setting stops start-up with a message that names the key and never shows a secret. */
class WeChatPropertiesTest {

    private static final WeChatProperties.Callback CALLBACK = new WeChatProperties.Callback("/wechat/callback",
            Duration.ofSeconds(300), DataSize.ofKilobytes(64), Duration.ofMillis(4500), Duration.ofMinutes(10), false);
    private static final WeChatProperties.Inbound INBOUND = new WeChatProperties.Inbound("direct:x", "direct:y",
            "direct:z", "target/dl", 4, 100);

    private static WeChatProperties with(String aesKey, String baseUrl, WeChatProperties.Callback callback) {
        return new WeChatProperties("wxapp", "s3cret-value", "tok", aesKey, "", baseUrl, callback, INBOUND);
    }

    @Test
    void anEncodingAesKeyOfTheWrongLengthNamesTheKeyButNotItsValue() {
        assertThatThrownBy(() -> with("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF", "https://api.weixin.qq.com", CALLBACK))
                .hasMessageContaining("wechat.encoding-aes-key").hasMessageContaining("WECHAT_ENCODING_AES_KEY")
                .hasMessageNotContaining("abcdefghij");
    }

    @Test
    void anEmptyEncodingAesKeyMeansPlainModeOnly() {
        assertThat(with("", "https://api.weixin.qq.com", CALLBACK).safeModeConfigured()).isFalse();
        assertThat(with("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "https://api.weixin.qq.com", CALLBACK)
                .safeModeConfigured()).isTrue();
    }

    @Test
    void aMalformedApiBaseUrlNamesTheKey() {
        assertThatThrownBy(() -> with("", "https://api.weixin.qq.com,not a url", CALLBACK))
                .hasMessageContaining("WECHAT_API_BASE_URL").hasMessageContaining("not a url");
        assertThatThrownBy(() -> with("", "ftp://api.weixin.qq.com", CALLBACK))
                .hasMessageContaining("wechat.api-base-url");
    }

    @Test
    void apiBaseUrlsKeepTheirFailoverOrder() {
        assertThat(with("", " https://a.example , https://b.example", CALLBACK).apiBaseUrls())
                .extracting(Object::toString).containsExactly("https://a.example", "https://b.example");
    }

    @Test
    void aDeadlineBeyondWeChatsBudgetIsRefused() {
        assertThatThrownBy(() -> new WeChatProperties.Callback("/cb", Duration.ofSeconds(300), DataSize.ofKilobytes(64),
                Duration.ofMillis(5000), Duration.ofMinutes(10), false))
                .hasMessageContaining("wechat.callback.deadline");
    }

    @Test
    void aDedupeWindowShorterThanTheTimestampWindowIsRefused() {
        var callback = new WeChatProperties.Callback("/cb", Duration.ofSeconds(300), DataSize.ofKilobytes(64),
                Duration.ofMillis(4500), Duration.ofSeconds(60), false);

        assertThatThrownBy(() -> with("", "https://api.weixin.qq.com", callback))
                .hasMessageContaining("wechat.callback.dedupe-window");
    }

    @Test
    void toStringShowsNoSecret() {
        String shown = with("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "https://api.weixin.qq.com", CALLBACK).toString();

        assertThat(shown).doesNotContain("s3cret-value").doesNotContain("abcdefghijklmnop").doesNotContain("tok,");
    }
}
