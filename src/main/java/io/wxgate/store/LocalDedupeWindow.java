package io.wxgate.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The dedupe window of one JVM: which deliveries were seen, and the first reply of each (SPEC §2). One entry per
 * delivery serves both the idempotent consumer ({@link IdempotentRepository}: {@code add} is atomic, so of two racing
 * copies exactly one is processed) and the retries that wait for the first reply ({@link FirstReplyStore}). Both
 * forget a delivery together, a dedupe window after it was first seen.
 *
 * <p>Camel's own CaffeineIdempotentRepository checks then puts (racy) and never expires (camel-notes §3); two
 * separate caches kept the key twice. What an entry holds, by the delivery's state: claimed and not yet answered
 * ({@link #CLAIMED}), a future the retries wait on, then the answer: {@link #NO_REPLY} for {@code success}, else the
 * passive reply XML as UTF-8 (a reply of a few hundred ASCII characters plus Chinese text is about half the size of
 * its String).
 */
public final class LocalDedupeWindow extends ServiceSupport implements IdempotentRepository, FirstReplyStore {

    private static final Object CLAIMED = new Object();
    private static final Object NO_REPLY = new Object();

    private final DigestTable<Object> deliveries;

    public LocalDedupeWindow(Duration window) {
        this.deliveries = new DigestTable<>(window);
    }

    LocalDedupeWindow(Duration window, LongSupplier nanoTime) {
        this.deliveries = new DigestTable<>(window, nanoTime);
    }

    @Override
    public boolean add(String key) {
        return deliveries.update(key, kept -> kept == null ? CLAIMED : kept) == null;
    }

    @Override
    public boolean contains(String key) {
        return deliveries.get(key) != null;
    }

    @Override
    public boolean remove(String key) {
        return deliveries.remove(key);
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        deliveries.clear();
    }

    /** A key asked about before any delivery claimed it is remembered as seen, as the first delivery's add would. */
    @Override
    public CompletableFuture<String> replyFor(String key) {
        CompletableFuture<String> fresh = new CompletableFuture<>();
        Object kept = deliveries.update(key, now -> now == null || now == CLAIMED ? fresh : now);
        if (kept == null || kept == CLAIMED) {
            return fresh;
        }
        if (kept instanceof CompletableFuture<?> waited) {
            @SuppressWarnings("unchecked")
            CompletableFuture<String> first = (CompletableFuture<String>) waited;
            return first;
        }
        return CompletableFuture.completedFuture(answerOf(kept));
    }

    @Override
    public boolean offer(String key, String reply) {
        Object answer = reply.isEmpty() ? NO_REPLY : reply.getBytes(StandardCharsets.UTF_8);
        Object kept = deliveries.update(key, now -> now == null || now == CLAIMED ? answer : now);
        if (kept == null || kept == CLAIMED) {
            return true;
        }
        if (!(kept instanceof CompletableFuture<?> waited)) {
            return false;
        }
        // Someone waits: the future decides who answered first, as whoever lost must find it complete. It is
        // completed outside the table's lock (what waits on it runs here), then the answer takes its place.
        @SuppressWarnings("unchecked")
        CompletableFuture<String> first = (CompletableFuture<String>) waited;
        if (!first.complete(reply)) {
            return false;
        }
        deliveries.update(key, now -> now == first ? answer : now);
        return true;
    }

    /** Deliveries held now: for tests and measurements. */
    int size() {
        return deliveries.size();
    }

    private static String answerOf(Object kept) {
        return kept == NO_REPLY ? "" : new String((byte[]) kept, StandardCharsets.UTF_8);
    }
}
