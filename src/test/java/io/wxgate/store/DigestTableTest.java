package io.wxgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class DigestTableTest {

    private static final Duration WINDOW = Duration.ofMinutes(10);

    private final AtomicLong nanos = new AtomicLong();

    @Test
    void everyKeyIsFoundWithItsValueAcrossTheRebuildsThatGrowTheTable() {
        DigestTable<Integer> table = new DigestTable<>(WINDOW, nanos::get);

        for (int i = 0; i < 200_000; i++) {
            assertThat(table.update("key-" + i, kept -> kept == null ? 1 : kept + 1)).isNull();
        }

        assertThat(table.size()).isEqualTo(200_000);
        for (int i = 0; i < 200_000; i += 7) {
            assertThat(table.get("key-" + i)).isEqualTo(1);
        }
        assertThat(table.get("key-200000")).isNull();
    }

    @Test
    void anUpdateOfAKeptKeyKeepsItsWindow() {
        DigestTable<String> table = new DigestTable<>(WINDOW, nanos::get);
        table.update("k", kept -> "first");

        nanos.addAndGet(Duration.ofMinutes(9).toNanos());
        assertThat(table.update("k", kept -> kept + ", then second")).isEqualTo("first");
        nanos.addAndGet(Duration.ofMinutes(1).plusSeconds(1).toNanos());

        assertThat(table.get("k")).as("ten minutes after it was made, not after the update").isNull();
    }

    @Test
    void removingKeysLeavesTheOthersInTheirProbeChainsFindable() {
        DigestTable<Integer> table = new DigestTable<>(WINDOW, nanos::get);
        for (int i = 0; i < 50_000; i++) {
            int v = i;
            table.update("key-" + i, kept -> v);
        }

        for (int i = 0; i < 50_000; i += 2) {
            assertThat(table.remove("key-" + i)).isTrue();
        }

        assertThat(table.remove("key-0")).isFalse();
        assertThat(table.size()).isEqualTo(25_000);
        for (int i = 1; i < 50_000; i += 2) {
            assertThat(table.get("key-" + i)).isEqualTo(i);
        }
    }

    @Test
    void expiredEntriesAreDroppedAndTheirSpaceReturnsOnceTrafficFalls() {
        DigestTable<Integer> table = new DigestTable<>(WINDOW, nanos::get);
        for (int i = 0; i < 100_000; i++) {
            table.update("burst-" + i, kept -> 1);
        }
        long slotsAtPeak = table.slots();

        nanos.addAndGet(WINDOW.plusSeconds(1).toNanos());
        // A trickle of traffic touches every stripe; its first use after a window drops what expired there.
        for (int i = 0; i < 20 * DigestTable.STRIPES; i++) {
            table.update("trickle-" + i, kept -> 1);
        }

        assertThat(table.get("burst-1")).isNull();
        assertThat(table.size()).isEqualTo(20 * DigestTable.STRIPES);
        assertThat(slotsAtPeak).as("at most three quarters full").isGreaterThanOrEqualTo(100_000 * 4 / 3);
        assertThat(table.slots()).isLessThan(slotsAtPeak / 2);
    }

    @Test
    void aSteadyWindowHoldsAboutTwoSlotsPerEntry() {
        DigestTable<Integer> table = new DigestTable<>(Duration.ofSeconds(60), nanos::get);
        // 3,000 keys a second for over three windows: every second, as many expire as arrive.
        for (int second = 0; second < 200; second++) {
            for (int i = 0; i < 3_000; i++) {
                table.update(second + "-" + i, kept -> 1);
            }
            nanos.addAndGet(1_000_000_000L);
        }

        int held = table.size();
        assertThat(held).isBetween(60 * 3_000, 61 * 3_000);
        assertThat(table.slots()).as("24 bytes a slot").isLessThanOrEqualTo(3L * held);
    }

    @Test
    void concurrentWritersOfDistinctKeysLoseNoneAndOfOneKeyOnlyOneInserts() throws Exception {
        DigestTable<Integer> table = new DigestTable<>(WINDOW);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> inserts = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int writer = t;
                inserts.add(pool.submit(() -> {
                    start.await();
                    int mine = 0;
                    for (int i = 0; i < 20_000; i++) {
                        table.update("w" + writer + "-" + i, kept -> 1);
                        mine += table.update("shared-" + i, kept -> kept == null ? writer : kept) == null ? 1 : 0;
                    }
                    return mine;
                }));
            }
            start.countDown();
            int sharedInserts = 0;
            for (Future<Integer> f : inserts) {
                sharedInserts += f.get();
            }

            assertThat(sharedInserts).as("each shared key inserted by one writer").isEqualTo(20_000);
            assertThat(table.size()).isEqualTo(8 * 20_000 + 20_000);
        } finally {
            pool.shutdownNow();
        }
    }
}
