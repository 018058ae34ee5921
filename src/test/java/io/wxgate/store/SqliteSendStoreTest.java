package io.wxgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteSendStoreTest extends SendStoreAccountsContract {

    private static final Duration RETENTION = Duration.ofDays(30);

    @TempDir
    Path dir;
    private final List<SqliteSendStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(SqliteSendStore::close);
    }

    private SqliteSendStore open(Clock clock) {
        SqliteSendStore store = new SqliteSendStore(dir, APP, RETENTION, clock);
        opened.add(store);
        return store;
    }

    @Override
    SendStore newStore() {
        return open(Clock.fixed(T0, ZoneOffset.UTC));
    }

    @Test
    void aRecordGoesFromQueuedToDeliveredAndReadsBackAfterTheStoreIsOpenedAgain() {
        SqliteSendStore store = open(Clock.systemUTC());

        assertThat(store.create(SendRecord.queued("s1", APP, "template", REQUEST, T0))).isTrue();
        assertThat(store.create(SendRecord.queued("s1", APP, "template", REQUEST, T0))).as("a second create").isFalse();
        store.update("s1", r -> r.calling(T0));
        store.update("s1", r -> r.sent(4242, 1, T0.plusMillis(5)));
        store.update("s1", r -> r.finished("success", T0.plusSeconds(1)));
        store.close();

        SqliteSendStore reopened = open(Clock.systemUTC());
        SendRecord done = reopened.find("s1").orElseThrow();
        assertThat(done).isEqualTo(new SendRecord("s1", APP, "template", SendRecord.DELIVERED, 4242L, 0, "ok", 1, REQUEST,
                T0, T0.plusSeconds(1), false));
        assertThat(reopened.findByMsgid(APP, 4242)).map(SendRecord::id).contains("s1");
        assertThat(reopened.find("unknown")).isEmpty();
        assertThat(reopened.update("unknown", r -> r.requeued(T0))).isEmpty();
    }

    @Test
    void failedSendsAreListedUntilReplayed() {
        SqliteSendStore store = open(Clock.systemUTC());
        store.create(SendRecord.queued("s4", APP, "template", REQUEST, T0));
        store.create(SendRecord.queued("s5", APP, "template", REQUEST, T0));
        store.update("s4", r -> r.failed(40003, "invalid openid", 1, T0));
        store.update("s5", r -> r.failed(40003, "invalid openid", 1, T0.plusSeconds(1)));

        assertThat(store.failed(10, r -> true)).extracting(SendRecord::id).containsExactly("s5", "s4");

        store.update("s4", r -> r.requeued(T0.plusSeconds(2)));

        assertThat(store.failed(10, r -> true)).extracting(SendRecord::id).containsExactly("s5");
    }

    @Test
    void manyConcurrentWritersAreCommittedTogetherAndEveryWriteIsThere() throws Exception {
        SqliteSendStore store = open(Clock.systemUTC());
        ExecutorService writers = Executors.newFixedThreadPool(32);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String id = "c-" + i;
            long msgid = 5000 + i;
            all.add(CompletableFuture.runAsync(() -> {
                assertThat(store.create(SendRecord.queued(id, APP, "template", REQUEST, T0))).isTrue();
                store.update(id, r -> r.calling(T0));
                store.update(id, r -> r.sent(msgid, 1, T0));
            }, writers));
        }
        all.forEach(CompletableFuture::join);
        writers.shutdown();

        for (int i = 0; i < 400; i++) {
            assertThat(store.findByMsgid(APP, 5000 + i)).map(SendRecord::id).contains("c-" + i);
        }
        assertThat(store.list(new SendQuery(null, null, SendRecord.SENT, null, null, 500, null)).sends()).hasSize(400);
    }

    @Test
    void aWriteThatFailsFailsAloneAndTheWritesCommittedWithItStand() throws Exception {
        SqliteSendStore store = open(Clock.systemUTC());
        for (int i = 0; i < 50; i++) {
            store.create(SendRecord.queued("b-" + i, APP, "template", REQUEST, T0));
        }
        ExecutorService writers = Executors.newFixedThreadPool(16);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String id = "b-" + i;
            boolean bad = i == 25;
            all.add(CompletableFuture.runAsync(() -> store.update(id, r -> {
                if (bad) {
                    throw new IllegalStateException("a change that cannot be made");
                }
                return r.sent(1, 1, T0);
            }), writers));
        }
        for (int i = 0; i < 50; i++) {
            if (i == 25) {
                assertThatThrownBy(all.get(i)::join).hasRootCauseMessage("a change that cannot be made");
            } else {
                all.get(i).join();
            }
        }
        writers.shutdown();

        assertThat(store.find("b-25")).map(SendRecord::status).contains(SendRecord.QUEUED);
        assertThat(store.list(new SendQuery(null, null, SendRecord.SENT, null, null, 100, null)).sends()).hasSize(49);
    }

    @Test
    void aRecordIsRemovedOnceTheRetentionHasPassedSinceItsLastChange() {
        MutableClock clock = new MutableClock(T0);
        SqliteSendStore store = open(clock);
        store.create(SendRecord.queued("old", APP, "template", REQUEST, T0));
        store.update("old", r -> r.sent(77, 1, T0.plusSeconds(1)));
        store.create(SendRecord.queued("replayed", APP, "template", REQUEST, T0));
        store.update("replayed", r -> r.failed(40003, "invalid openid", 1, T0.plusSeconds(1)));
        store.update("replayed", r -> r.requeued(T0.plus(Duration.ofDays(20))));
        store.create(SendRecord.queued("new", APP, "template", REQUEST, T0.plus(Duration.ofDays(10))));

        clock.set(T0.plus(RETENTION).plusSeconds(1));
        assertThat(store.sweep()).isZero();
        clock.set(T0.plus(RETENTION).plusSeconds(2));
        assertThat(store.sweep()).isEqualTo(1);

        assertThat(store.find("old")).isEmpty();
        assertThat(store.findByMsgid(APP, 77)).isEmpty();
        assertThat(store.find("replayed")).as("changed 20 days after it was accepted").isPresent();
        assertThat(ids(store, new SendQuery(null, null, null, null, null, 10, null))).containsExactly("new", "replayed");
    }

    @Test
    void theStoreIsOneDatabaseFileUnderTheDataDirectoryWhateverTheNumberOfSends() throws IOException {
        SqliteSendStore store = open(Clock.systemUTC());
        for (int i = 0; i < 300; i++) {
            store.create(SendRecord.queued("n-" + i, APP, "template", REQUEST, T0));
        }
        store.close();

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(SqliteSendStore.FILE);
        }
    }

    @Test
    void recordsOfTheFileStoreItReplacedMoveInAndTheirFilesGo() throws IOException {
        Path legacy = Files.createDirectories(dir.resolve("sends"));
        Files.createDirectories(legacy.resolve("records"));
        Files.createDirectories(legacy.resolve("by-msgid"));
        Files.createDirectories(legacy.resolve("failed"));
        // A record from before sends had an account (the default account's), padded as that store rewrote in place.
        Files.writeString(legacy.resolve("records/s9.json"), "{\"id\":\"s9\",\"api\":\"template\",\"status\":\"sent\","
                + "\"msgid\":55,\"attempts\":1,\"request\":\"{}\",\"createdAt\":\"2026-11-25T00:00:00Z\","
                + "\"updatedAt\":\"2026-11-25T00:00:00Z\",\"inFlight\":false}      ");
        Files.writeString(legacy.resolve("records/s8.json"), "{\"id\":\"s8\",\"appid\":\"" + OTHER + "\",\"api\":\"custom\","
                + "\"status\":\"queued\",\"msgid\":null,\"errcode\":null,\"errmsg\":null,\"attempts\":0,\"request\":\"{}\","
                + "\"createdAt\":\"2026-11-25T00:00:01Z\",\"updatedAt\":\"2026-11-25T00:00:01Z\",\"inFlight\":true}");
        // Left by a kill between creating a file and writing it: never a record.
        Files.createFile(legacy.resolve("records/s7.json"));
        Files.writeString(legacy.resolve("by-msgid/55"), "s9");
        SqliteSendStore store = open(Clock.systemUTC());

        assertThat(store.importFiles(legacy)).isEqualTo(2);

        assertThat(store.findByMsgid(APP, 55)).map(SendRecord::id).contains("s9");
        assertThat(store.find("s8")).hasValueSatisfying(r -> {
            assertThat(r.appid()).isEqualTo(OTHER);
            assertThat(r.inFlight()).isTrue();
        });
        assertThat(store.find("s7")).isEmpty();
        assertThat(legacy).doesNotExist();
        assertThat(store.importFiles(legacy)).as("nothing left to move").isZero();
    }

    /** A clock a test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
