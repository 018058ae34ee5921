package io.wxgate.store;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * A Camel idempotent repository whose {@code add} is atomic and whose keys expire.
 * Camel's own CaffeineIdempotentRepository checks then puts (racy) and never expires (camel-notes §3):
 * two concurrent WeChat retries could both pass it, and it would grow without bound.
 */
public final class ExpiringIdempotentRepository extends ServiceSupport implements IdempotentRepository {

    private final Cache<String, Boolean> keys;

    public ExpiringIdempotentRepository(Duration window) {
        this.keys = Caffeine.newBuilder().expireAfterWrite(window).build();
    }

    @Override
    public boolean add(String key) {
        return keys.asMap().putIfAbsent(key, Boolean.TRUE) == null;
    }

    @Override
    public boolean contains(String key) {
        return keys.getIfPresent(key) != null;
    }

    @Override
    public boolean remove(String key) {
        return keys.asMap().remove(key) != null;
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        keys.invalidateAll();
    }
}
