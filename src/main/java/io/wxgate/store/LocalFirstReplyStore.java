package io.wxgate.store;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/** First replies of one JVM, forgotten after the dedupe window. */
public final class LocalFirstReplyStore implements FirstReplyStore {

    private final Cache<String, CompletableFuture<String>> replies;

    public LocalFirstReplyStore(Duration window) {
        this.replies = Caffeine.newBuilder().expireAfterWrite(window).build();
    }

    @Override
    public CompletableFuture<String> replyFor(String key) {
        // The first delivery and a racing retry may ask in either order; both must see one future.
        return replies.get(key, k -> new CompletableFuture<>());
    }

    @Override
    public boolean offer(String key, String reply) {
        return replyFor(key).complete(reply);
    }
}
