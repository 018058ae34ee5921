package io.wxgate.store;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

public final class LocalNonceRegistry implements NonceRegistry {

    private final Cache<String, String> seen;

    /** @param window at least twice the timestamp window: a timestamp is accepted that far either side of now */
    public LocalNonceRegistry(Duration window) {
        this.seen = Caffeine.newBuilder().expireAfterWrite(window).build();
    }

    @Override
    public boolean bind(String timestampAndNonce, String bodyDigest) {
        String first = seen.asMap().putIfAbsent(timestampAndNonce, bodyDigest);
        return first == null || first.equals(bodyDigest);
    }
}
