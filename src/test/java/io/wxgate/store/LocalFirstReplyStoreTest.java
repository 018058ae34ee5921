package io.wxgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class LocalFirstReplyStoreTest {

    @Test
    void theFirstAnswerOfferedWinsAndEveryWaiterSeesIt() {
        LocalFirstReplyStore store = new LocalFirstReplyStore(Duration.ofMinutes(1));
        var waiter = store.replyFor("k");

        assertThat(store.offer("k", "")).isTrue();
        assertThat(store.offer("k", "<xml>late</xml>")).isFalse();
        assertThat(waiter.join()).isEmpty();
        assertThat(store.replyFor("k").join()).isEmpty();
    }

    @Test
    void aRetryAskingBeforeTheFirstDeliveryStillSeesItsAnswer() {
        LocalFirstReplyStore store = new LocalFirstReplyStore(Duration.ofMinutes(1));
        var retry = store.replyFor("k");

        store.offer("k", "<xml>reply</xml>");

        assertThat(retry.join()).isEqualTo("<xml>reply</xml>");
    }
}
