package io.wxgate.store;

import java.time.Duration;

import org.apache.camel.spi.IdempotentRepository;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The dedupe store of cluster mode: one atomic {@code SET seen:<key> 1 NX PX lease} decides which instance
 * processes a delivery. The claim is taken for a short lease only, just past the callback deadline; the
 * instance that holds it settles the first reply by then at the latest, and settling holds the claim for the
 * whole dedupe window ({@link RedisFirstReplyStore#offer}). A claim left unsettled past its lease belongs to an
 * instance that died mid-work: it lapses, and WeChat's retry claims it again (SPEC §6), here on arrival or
 * while it waits ({@link RedisFirstReplyStore#takeOver}).
 */
public record RedisIdempotentRepository(StringRedisTemplate redis, RedisKeys keys, Duration lease)
        implements IdempotentRepository {

    /** Nothing to start or stop: the Redis connection is Spring's. */
    @Override
    public void start() {
        // the connection factory has its own lifecycle
    }

    @Override
    public void stop() {
        // the connection factory has its own lifecycle
    }

    @Override
    public boolean add(String key) {
        return Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(claimOf(key), "1", lease));
    }

    @Override
    public boolean contains(String key) {
        return Boolean.TRUE.equals(redis.hasKey(claimOf(key)));
    }

    @Override
    public boolean remove(String key) {
        return Boolean.TRUE.equals(redis.delete(claimOf(key)));
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        // Clearing a shared store would let every instance re-process WeChat's retries; keys expire on their own.
    }

    /** The Redis key holding the claim on a delivery; settling the first reply rewrites it. */
    String claimOf(String key) {
        return keys.of("seen", key);
    }
}
