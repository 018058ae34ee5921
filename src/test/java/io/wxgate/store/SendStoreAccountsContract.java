package io.wxgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * What every send store does alike: keeps accounts apart (SPEC §7) and lists sends newest first, filtered and a page
 * at a time. Each store's test class runs these against it.
 */
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

    @Test
    void pagesWalkEverySendNewestFirstOnceEvenWithinOneMillisecond() {
        SendStore store = newStore();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            // Three sends share each instant: the order within it is by id, and no page boundary may skip or repeat one.
            Instant at = T0.plusSeconds(i / 3);
            String id = "p-" + i;
            store.create(SendRecord.queued(id, i % 2 == 0 ? APP : OTHER, "template", REQUEST, at));
            expected.add(0, id);
        }
        expected.sort((x, y) -> {
            int byTime = Integer.compare(Integer.parseInt(y.substring(2)) / 3, Integer.parseInt(x.substring(2)) / 3);
            return byTime != 0 ? byTime : y.compareTo(x);
        });

        List<String> walked = new ArrayList<>();
        SendQuery.Position next = null;
        int pages = 0;
        do {
            SendPage page = store.list(new SendQuery(null, null, null, null, null, 2, next));
            page.sends().forEach(r -> walked.add(r.id()));
            next = page.next();
            pages++;
        } while (next != null && pages < 10);

        assertThat(walked).containsExactlyElementsOf(expected);
        assertThat(pages).isEqualTo(4);
    }

    @Test
    void aListingFiltersByAccountStatusApiAndTheTimeASendWasAccepted() {
        SendStore store = newStore();
        store.create(SendRecord.queued("a-sent", APP, "template", REQUEST, T0));
        store.update("a-sent", r -> r.sent(1, 1, T0.plusSeconds(50)));
        store.create(SendRecord.queued("a-failed", APP, "custom", REQUEST, T0.plusSeconds(10)));
        store.update("a-failed", r -> r.failed(45015, "window closed", 1, T0.plusSeconds(11)));
        store.create(SendRecord.queued("o-queued", OTHER, "template", REQUEST, T0.plusSeconds(20)));
        store.create(SendRecord.queued("o-sent", OTHER, "subscribe", REQUEST, T0.plusSeconds(30)));
        store.update("o-sent", r -> r.sent(0, 1, T0.plusSeconds(31)));

        assertThat(ids(store, new SendQuery(APP, null, null, null, null, 10, null))).containsExactly("a-failed", "a-sent");
        assertThat(ids(store, new SendQuery(null, null, SendRecord.SENT, null, null, 10, null)))
                .containsExactly("o-sent", "a-sent");
        assertThat(ids(store, new SendQuery(OTHER, null, SendRecord.SENT, null, null, 10, null))).containsExactly("o-sent");
        assertThat(ids(store, new SendQuery(null, "template", null, null, null, 10, null)))
                .containsExactly("o-queued", "a-sent");
        // from inclusive, to exclusive, both on the time the send was accepted (not its last change)
        assertThat(ids(store, new SendQuery(null, null, null, T0.plusSeconds(10), T0.plusSeconds(30), 10, null)))
                .containsExactly("o-queued", "a-failed");
        assertThat(ids(store, new SendQuery(APP, null, SendRecord.QUEUED, null, null, 10, null))).isEmpty();
    }

    @Test
    void aSendMovesBetweenStatusFiltersAsItsStatusChanges() {
        SendStore store = newStore();
        store.create(SendRecord.queued("moving", APP, "template", REQUEST, T0));
        assertThat(ids(store, new SendQuery(null, null, SendRecord.QUEUED, null, null, 10, null))).containsExactly("moving");

        store.update("moving", r -> r.failed(40003, "invalid openid", 1, T0.plusSeconds(1)));
        assertThat(ids(store, new SendQuery(null, null, SendRecord.QUEUED, null, null, 10, null))).isEmpty();
        assertThat(ids(store, new SendQuery(null, null, SendRecord.FAILED, null, null, 10, null))).containsExactly("moving");

        store.update("moving", r -> r.requeued(T0.plusSeconds(2)));
        assertThat(ids(store, new SendQuery(null, null, SendRecord.FAILED, null, null, 10, null))).isEmpty();
        assertThat(ids(store, new SendQuery(APP, null, SendRecord.QUEUED, null, null, 10, null))).containsExactly("moving");
    }

    static List<String> ids(SendStore store, SendQuery query) {
        SendPage page = store.list(query);
        assertThat(page.next()).as("one page holds them all").isNull();
        return page.sends().stream().map(SendRecord::id).toList();
    }
}
