package io.wxgate.store;

import java.time.Duration;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The dedupe store of cluster mode: one atomic {@code SET key 1 NX PX window} decides which instance processes. */
public final class RedisIdempotentRepository extends ServiceSupport implements IdempotentRepository {

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final Duration window;

    public RedisIdempotentRepository(StringRedisTemplate redis, RedisKeys keys, Duration window) {
        this.redis = redis;
        this.keys = keys;
        this.window = window;
    }

    @Override
    public boolean add(String key) {
        return Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(keys.of("seen", key), "1", window));
    }

    @Override
    public boolean contains(String key) {
        return Boolean.TRUE.equals(redis.hasKey(keys.of("seen", key)));
    }

    @Override
    public boolean remove(String key) {
        return Boolean.TRUE.equals(redis.delete(keys.of("seen", key)));
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        // Clearing a shared store would let every instance re-process WeChat's retries; keys expire on their own.
    }
}
