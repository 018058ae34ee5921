package io.wxgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.lettuce.core.RedisClient;
import io.wxgate.config.SendApi;
import io.wxgate.config.SendProperties;
import io.wxgate.send.ThrottleBuckets;
import org.junit.jupiter.api.Test;

/**
 * The throttles' buckets space calls as closely as their rate says, below a millisecond too. A bucket holding one
 * token and reckoned with a millisecond clock (Bucket4j's default) sees time stand still within a millisecond: a call
 * 100 µs after the last finds no new token even at 20,000/s, unless a millisecond happened to turn in between (about
 * one time in ten, or in three with a round trip to Redis). A call 100 µs after the last must find its token nearly
 * every time.
 */
class ThrottleClockTest {

    private static final int RATE = 20_000;
    private static final long TWICE_THE_SPACING_NANOS = 2 * 1_000_000_000L / RATE;
    private static final int TRIES = 40;

    private static BucketConfiguration oneTokenAt(int rate) {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(1).refillGreedy(rate, Duration.ofSeconds(1)).build())
                .build();
    }

    /** How often a try twice the rate's spacing after taking a token finds the next one, of {@link #TRIES}. */
    private static int nextTokensFoundInTime(Bucket bucket) {
        int found = 0;
        for (int i = 0; i < TRIES; i++) {
            while (!bucket.tryConsume(1)) {
                Thread.onSpinWait();
            }
            long until = System.nanoTime() + TWICE_THE_SPACING_NANOS;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            if (bucket.tryConsume(1)) {
                found++;
            }
        }
        return found;
    }

    @Test
    void aLocalBucketHasTheNextTokenReadyAfterTheRatesSpacing() {
        Bucket bucket = ThrottleBuckets.local().bucket(SendApi.TEMPLATE, "wx-local", oneTokenAt(RATE));

        assertThat(nextTokensFoundInTime(bucket)).isGreaterThanOrEqualTo(TRIES * 8 / 10);
    }

    @Test
    void aBucketSharedInRedisHasTheNextTokenReadyAfterTheRatesSpacing() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
        String prefix = "wxgate-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        try (RedisThrottleBuckets buckets = new RedisThrottleBuckets(client, prefix)) {
            Bucket bucket = buckets.bucket(SendApi.TEMPLATE, "wx-shared", oneTokenAt(RATE));

            assertThat(nextTokensFoundInTime(bucket)).isGreaterThanOrEqualTo(TRIES * 8 / 10);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aRateTheClockCannotSpaceStopsStartUpNamingTheKey() {
        Map<String, Integer> rates = Map.of("template", SendProperties.MAX_RATE + 1, "custom", 1, "subscribe", 1);

        assertThatThrownBy(() -> new SendProperties(Duration.ofSeconds(3), Duration.ofSeconds(10), 8, rates, null, null,
                null, null, null, null, null))
                .hasMessageContaining("wechat.send.rate-per-second.template").hasMessageContaining("1000000");
    }

    @Test
    void theSharedClockIsTheWallClockToTheMicrosecond() {
        long before = System.currentTimeMillis() * 1_000_000L;
        long now = RedisThrottleBuckets.MICROSECONDS.currentTimeNanos();
        long after = (System.currentTimeMillis() + 1) * 1_000_000L;

        assertThat(now).isBetween(before, after);
        assertThat(now % 1_000).isZero();
        assertThat(RedisThrottleBuckets.MICROSECONDS.isWallClockBased()).isTrue();
    }
}
