package io.wxgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSendStoreTest extends SendStoreAccountsContract {

    @TempDir
    Path dir;

    @Override
    SendStore newStore() {
        return new FileSendStore(dir, APP);
    }

    @Test
    void aRecordGoesFromQueuedToDeliveredAndIsFoundByItsMsgid() {
        FileSendStore store = new FileSendStore(dir, APP);

        assertThat(store.create(SendRecord.queued("s1", APP, "template", REQUEST, T0))).isTrue();
        assertThat(store.create(SendRecord.queued("s1", APP, "template", REQUEST, T0))).as("a second create").isFalse();
        store.update("s1", r -> r.calling(T0));
        store.update("s1", r -> r.sent(4242, 1, T0));
        store.update("s1", r -> r.finished("success", T0));

        SendRecord done = new FileSendStore(dir, APP).find("s1").orElseThrow();
        assertThat(done.status()).isEqualTo(SendRecord.DELIVERED);
        assertThat(done.inFlight()).isFalse();
        assertThat(done.request()).isEqualTo(REQUEST);
        assertThat(store.findByMsgid(APP, 4242)).map(SendRecord::id).contains("s1");
    }

    @Test
    void aShorterRecordWrittenInPlaceReadsBackWhole() throws IOException {
        FileSendStore store = new FileSendStore(dir, APP);
        store.create(SendRecord.queued("s2", APP, "template", REQUEST, T0));
        store.update("s2",
                r -> r.failed(43004, "require subscribe: a long reason that makes this record longer", 1, T0));
        long longer = Files.size(dir.resolve("records/s2.json"));

        store.update("s2", r -> r.requeued(T0));

        assertThat(Files.size(dir.resolve("records/s2.json"))).as("padded, not truncated").isEqualTo(longer);
        SendRecord requeued = new FileSendStore(dir, APP).find("s2").orElseThrow();
        assertThat(requeued.status()).isEqualTo(SendRecord.QUEUED);
        assertThat(requeued.errmsg()).isNull();
    }

    @Test
    void aRecordLargerThanAPageIsStillReplacedWhole() {
        FileSendStore store = new FileSendStore(dir, APP);
        String large = "{\"touser\":\"o-1\",\"url\":\"" + "x".repeat(FileSendStore.PAGE * 2) + "\"}";
        store.create(SendRecord.queued("s3", APP, "template", large, T0));

        store.update("s3", r -> r.sent(77, 1, T0));

        SendRecord sent = new FileSendStore(dir, APP).find("s3").orElseThrow();
        assertThat(sent.request()).isEqualTo(large);
        assertThat(sent.msgid()).isEqualTo(77L);
    }

    @Test
    void failedSendsAreListedUntilReplayed() {
        FileSendStore store = new FileSendStore(dir, APP);
        store.create(SendRecord.queued("s4", APP, "template", REQUEST, T0));
        store.create(SendRecord.queued("s5", APP, "template", REQUEST, T0));
        store.update("s4", r -> r.failed(40003, "invalid openid", 1, T0));
        store.update("s5", r -> r.failed(40003, "invalid openid", 1, T0.plusSeconds(1)));

        assertThat(store.failed(10, r -> true)).extracting(SendRecord::id).containsExactly("s5", "s4");

        store.update("s4", r -> r.requeued(T0.plusSeconds(2)));

        assertThat(store.failed(10, r -> true)).extracting(SendRecord::id).containsExactly("s5");
        assertThat(dir.resolve("failed/s4")).doesNotExist();
    }

    @Test
    void anEmptyFileLeftByAKillBetweenCreateAndWriteIsNoRecord() throws IOException {
        FileSendStore store = new FileSendStore(dir, APP);
        Files.createFile(dir.resolve("records/s6.json"));

        assertThat(store.find("s6")).isEmpty();
        assertThat(store.create(SendRecord.queued("s6", APP, "template", REQUEST, T0))).isTrue();
        assertThat(store.find("s6")).map(SendRecord::status).contains(SendRecord.QUEUED);
    }

    @Test
    void aRecordWrittenBeforeSendsHadAnAccountBelongsToTheDefaultAccount() throws IOException {
        FileSendStore store = new FileSendStore(dir, APP);
        Files.writeString(dir.resolve("records/s9.json"), "{\"id\":\"s9\",\"api\":\"template\",\"status\":\"sent\","
                + "\"msgid\":55,\"attempts\":1,\"request\":\"{}\",\"createdAt\":\"2026-11-25T00:00:00Z\","
                + "\"updatedAt\":\"2026-11-25T00:00:00Z\",\"inFlight\":false}");
        Files.writeString(dir.resolve("by-msgid/55"), "s9");

        assertThat(store.find("s9")).map(SendRecord::appid).contains(APP);
        assertThat(store.findByMsgid(APP, 55)).map(SendRecord::id).contains("s9");
    }
}
