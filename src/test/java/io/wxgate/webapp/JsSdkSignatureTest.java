package io.wxgate.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** wx.config's signature against the vectors of wechat-protocol.md §12. */
class JsSdkSignatureTest {

    private static final String TICKET =
            "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";
    private static final String NONCE = "Wm3WZYTPz0wzccnW";
    private static final long TIMESTAMP = 1414587457L;

    @Test
    void signsThePublishedExampleJ1() {
        assertThat(JsSdkSignature.sign(TICKET, NONCE, TIMESTAMP, "http://mp.weixin.qq.com?params=value"))
                .isEqualTo("0f9de62fce790f9a083d5c99e95740ceb90c27ed");
    }

    @Test
    void signsTheOlderRevisionsExampleJ2() {
        assertThat(JsSdkSignature.sign(TICKET, NONCE, TIMESTAMP, "http://mp.weixin.qq.com"))
                .isEqualTo("f4d90daf4b3bca3078ab155816175ba34c443a7b");
    }

    @Test
    void signsTheUrlWithoutItsFragment() {
        String signed = JsSdkSignature.sign(TICKET, NONCE, TIMESTAMP, "http://mp.weixin.qq.com?params=value#frag");

        assertThat(signed).isEqualTo("0f9de62fce790f9a083d5c99e95740ceb90c27ed")
                .as("N1: the fragment left on").isNotEqualTo("b739d84cd9d554c46eddcefc9204e9f2196ecafd");
    }

    @Test
    void cutsAtTheFirstHashOnly() {
        assertThat(JsSdkSignature.withoutFragment("https://a.example/p?x=1#/route#inner"))
                .isEqualTo("https://a.example/p?x=1");
        assertThat(JsSdkSignature.withoutFragment("https://a.example/p")).isEqualTo("https://a.example/p");
    }

    @Test
    void neitherEncodesTheUrlNorTakesMilliseconds() {
        assertThat(JsSdkSignature.sign(TICKET, NONCE, TIMESTAMP, "http%3A%2F%2Fmp.weixin.qq.com%3Fparams%3Dvalue"))
                .as("N2: URL-encoded is another string").isEqualTo("fc555b5603f3cd82d454a79af8ad7fabb2609276");
        assertThat(JsSdkSignature.sign(TICKET, NONCE, TIMESTAMP * 1000, "http://mp.weixin.qq.com?params=value"))
                .as("N3: milliseconds are another string").isEqualTo("9dd3603815006fd2cf563ea9fb31fea18563a1ad");
    }
}
