package io.wxgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.wxgate.crypto.Sha256;
import org.junit.jupiter.api.Test;

class LocalNonceRegistryTest {

    private static final Duration WINDOW = Duration.ofSeconds(600);

    private final AtomicLong nanos = new AtomicLong();
    private final LocalNonceRegistry nonces = new LocalNonceRegistry(WINDOW, nanos::get);

    @Test
    void aNonceIsBoundToTheBodyItFirstCameWith() {
        byte[] body = Sha256.of("<xml><MsgId>1</MsgId></xml>");

        assertThat(nonces.bind("wx|1700000000|n1", body)).isTrue();
        assertThat(nonces.bind("wx|1700000000|n1", body.clone())).as("WeChat's retry, the same body").isTrue();
        assertThat(nonces.bind("wx|1700000000|n1", Sha256.of("<xml><MsgId>2</MsgId></xml>")))
                .as("a captured query string with another body").isFalse();
        assertThat(nonces.bind("wx|1700000000|n2", Sha256.of("<xml><MsgId>2</MsgId></xml>"))).isTrue();
    }

    @Test
    void aReplayWithinTheWindowIsRefusedAndTheNonceIsForgottenAfterIt() {
        nonces.bind("wx|1700000000|n3", Sha256.of("first"));

        nanos.addAndGet(WINDOW.minusMillis(1).toNanos());
        assertThat(nonces.bind("wx|1700000000|n3", Sha256.of("replayed"))).isFalse();

        // Held in whole seconds: gone at most a second after its window (by then its timestamp is refused anyway).
        nanos.addAndGet(Duration.ofSeconds(1).plusMillis(1).toNanos());
        assertThat(nonces.bind("wx|1700000000|n3", Sha256.of("replayed"))).isTrue();
    }
}
