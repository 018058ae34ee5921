package io.wxgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** What every send store keeps apart per account (SPEC §7); each store's test class runs these against it. */
abstract class SendStoreAccountsContract {

    static final String APP = "wxdefault0000001";
    static final String OTHER = "wxother000000002";
    static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");
    static final String REQUEST = "{\"touser\":\"o-1\",\"template_id\":\"t\",\"data\":{}}";

    /** A store whose default account is {@link #APP}. */
    abstract SendStore newStore();

    @Test
    void theSameMsgidOnTwoAccountsFindsEachAccountsOwnSend() {
        SendStore store = newStore();
        store.create(SendRecord.queued("m1", APP, "template", REQUEST, T0));
        store.create(SendRecord.queued("m2", OTHER, "template", REQUEST, T0));

        store.update("m1", r -> r.sent(1000, 1, T0));
        store.update("m2", r -> r.sent(1000, 1, T0));

        assertThat(store.findByMsgid(APP, 1000)).map(SendRecord::id).contains("m1");
        assertThat(store.findByMsgid(OTHER, 1000)).map(SendRecord::id).contains("m2");
        assertThat(store.findByMsgid("wxthird000000003", 1000)).isEmpty();
    }

    @Test
    void failedSendsAreListedByTheirAccountPastAPageOfAnotherAccounts() {
        SendStore store = newStore();
        for (int i = 0; i < 3; i++) {
            store.create(SendRecord.queued("f-other-" + i, OTHER, "template", REQUEST, T0));
            store.update("f-other-" + i, r -> r.failed(40003, "invalid openid", 1, T0.plusSeconds(10)));
        }
        store.create(SendRecord.queued("f-mine", APP, "template", REQUEST, T0));
        store.update("f-mine", r -> r.failed(40003, "invalid openid", 1, T0));

        // A limit of 2: the newest failures are all the other account's; the default account's comes after them.
        assertThat(store.failed(2, r -> APP.equals(r.appid()))).extracting(SendRecord::id).containsExactly("f-mine");
        assertThat(store.failed(2, r -> true)).hasSize(2);
    }
}
