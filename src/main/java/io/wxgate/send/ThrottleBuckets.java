package io.wxgate.send;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.wxgate.config.SendApi;

/**
 * Where the token buckets of the send throttles live: in this JVM by default, in Redis in cluster mode, where every
 * instance takes its tokens from the same bucket of an account and API (SPEC §6).
 */
@FunctionalInterface
public interface ThrottleBuckets {

    /** The bucket of {@code appId}'s calls to {@code api}, made with {@code configuration} if it does not exist. */
    Bucket bucket(SendApi api, String appId, BucketConfiguration configuration);

    /**
     * Buckets of this JVM only: the embedded default, one instance. Reckoned in nanoseconds: Bucket4j's default
     * millisecond clock adds whole tokens at most once a millisecond, so a bucket holding one token could never pass
     * more than 1,000 calls a second, whatever its rate.
     */
    static ThrottleBuckets local() {
        return (api, appId, configuration) -> Bucket.builder()
                .withNanosecondPrecision()
                .addLimit(configuration.getBandwidths()[0])
                .build();
    }
}
