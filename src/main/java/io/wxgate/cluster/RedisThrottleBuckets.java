package io.wxgate.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.wxgate.config.SendApi;
import io.wxgate.send.ThrottleBuckets;
import io.wxgate.store.RedisKeys;

/**
 * The send throttles' buckets in Redis, one per account and API ({@code <prefix><appId>:throttle:<api>:<rate>}),
 * shared by every instance (SPEC §6). Bucket4j keeps each bucket's state in its key and changes it with a
 * compare-and-swap script, so concurrent instances never take the same token. Its refill is reckoned with each
 * instance's own clock: keep the instances' clocks in step (NTP), as the spacing between calls is only as exact as
 * they are. That clock is the wall clock read to the microsecond ({@link #MICROSECONDS}): Bucket4j's default for a
 * shared bucket reads it to the millisecond, which caps a one-token bucket at 1,000 calls a second.
 *
 * <p>The key carries the rate, so instances started with different rates (a rolling change) keep a bucket each
 * instead of fighting over one's size. Concurrent sends of one instance go to Redis as one batch (Bucket4j's
 * batching), so the consumers of an instance do not retry each other's swaps. A bucket's key expires once it
 * would be full again, plus 10 s.
 */
final class RedisThrottleBuckets implements ThrottleBuckets, AutoCloseable {

    /** The wall clock (comparable across instances) in nanoseconds since the epoch, exact to the microsecond. */
    static final TimeMeter MICROSECONDS = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            Instant now = Clock.systemUTC().instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano() / 1_000 * 1_000;
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    };

    private final StatefulConnection<byte[], byte[]> connection;
    private final ProxyManager<byte[]> proxies;
    private final String prefix;

    RedisThrottleBuckets(AbstractRedisClient client, String prefix) {
        this.prefix = prefix;
        ExpirationAfterWriteStrategy expiry =
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));
        if (client instanceof RedisClusterClient cluster) {
            StatefulRedisClusterConnection<byte[], byte[]> c = cluster.connect(ByteArrayCodec.INSTANCE);
            connection = c;
            proxies = Bucket4jLettuce.casBasedBuilder(c).expirationAfterWrite(expiry).clientClock(MICROSECONDS).build();
        } else {
            StatefulRedisConnection<byte[], byte[]> c = ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
            connection = c;
            proxies = Bucket4jLettuce.casBasedBuilder(c).expirationAfterWrite(expiry).clientClock(MICROSECONDS).build();
        }
    }

    @Override
    public Bucket bucket(SendApi api, String appId, BucketConfiguration configuration) {
        long rate = configuration.getBandwidths()[0].getRefillTokens();
        byte[] key = (new RedisKeys(prefix, appId).of("throttle", api.key()) + ':' + rate)
                .getBytes(StandardCharsets.UTF_8);
        return proxies.builder().withOptimization(Optimizations.batching()).build(key, () -> configuration);
    }

    @Override
    public void close() {
        connection.close();
    }
}
