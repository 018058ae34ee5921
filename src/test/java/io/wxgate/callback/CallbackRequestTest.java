package io.wxgate.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CallbackRequestTest {

    @Test
    void queryParametersAreDecoded() {
        assertThat(CallbackRequest.parseQuery("signature=abc&nonce=1%2B2&echostr=a+b&flag"))
                .containsEntry("signature", "abc").containsEntry("nonce", "1+2").containsEntry("echostr", "a b")
                .containsEntry("flag", "");
    }

    @Test
    void aParameterGivenTwiceIsRefused() {
        assertThatThrownBy(() -> CallbackRequest.parseQuery("timestamp=1&timestamp=2"))
                .isInstanceOfSatisfying(CallbackRejectedException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("timestamp");
    }

    @Test
    void malformedEscapesAreRefused() {
        assertThatThrownBy(() -> CallbackRequest.parseQuery("nonce=%zz"))
                .isInstanceOfSatisfying(CallbackRejectedException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
