package io.wxgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.wxgate.testkit.LocalRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Send records of cluster mode on the machine's real Redis, with several accounts (SPEC §7); keys of this run only. */
class RedisSendStoreTest extends SendStoreAccountsContract {

    private static LocalRedis local;
    private static StringRedisTemplate redis;
    private static String prefix;

    @BeforeAll
    static void connect() {
        local = new LocalRedis();
        redis = local.template();
        prefix = local.prefix();
    }

    @AfterAll
    static void removeKeysAndDisconnect() {
        local.close();
    }

    /** Each test its own key space: the failed index is one sorted set per gateway. */
    @Override
    SendStore newStore() {
        return new RedisSendStore(redis, new RedisKeys(prefix + UUID.randomUUID() + ":", APP), Duration.ofMinutes(5),
                Clock.systemUTC());
    }

    @Test
    void aRecordWrittenBeforeSendsHadAnAccountBelongsToTheDefaultAccount() {
        SendStore store = new RedisSendStore(redis, new RedisKeys(prefix, APP), Duration.ofMinutes(5), Clock.systemUTC());
        redis.opsForValue().set(prefix + APP + ":send:r9", "{\"id\":\"r9\",\"api\":\"template\",\"status\":\"sent\","
                + "\"msgid\":99,\"attempts\":1,\"request\":\"{}\",\"createdAt\":\"2026-11-25T00:00:00Z\","
                + "\"updatedAt\":\"2026-11-25T00:00:00Z\",\"inFlight\":false}");
        redis.opsForValue().set(prefix + APP + ":send-msgid:99", "r9");

        assertThat(store.find("r9")).map(SendRecord::appid).contains(APP);
        assertThat(store.findByMsgid(APP, 99)).map(SendRecord::id).contains("r9");
    }

    @Test
    void aLapsedRecordLeavesTheListingsAtTheNextSweepAndOneStillStoredStays() throws InterruptedException {
        Duration ttl = Duration.ofSeconds(3);
        String keyPrefix = prefix + UUID.randomUUID() + ":";
        SendStore store = new RedisSendStore(redis, new RedisKeys(keyPrefix, APP), ttl, Clock.systemUTC());
        Instant accepted = Instant.now().minusSeconds(5);
        store.create(SendRecord.queued("lapsing", APP, "template", REQUEST, accepted));
        store.create(SendRecord.queued("kept", OTHER, "template", REQUEST, accepted.minusSeconds(1)));
        Thread.sleep(1500);
        // A later send keeps the sets alive past the first two records' TTL; a change keeps "kept" stored.
        store.create(SendRecord.queued("fresh", APP, "template", REQUEST, Instant.now()));
        store.update("kept", r -> r.sent(9, 1, Instant.now()));
        Thread.sleep(2000);

        assertThat(store.sweep()).isEqualTo(1);

        assertThat(ids(store, new SendQuery(null, null, null, null, null, 10, null))).containsExactly("fresh", "kept");
        assertThat(redis.opsForZSet().range(keyPrefix + APP + ":sends:queued", 0, -1)).containsExactly("fresh");
        assertThat(redis.opsForZSet().size(keyPrefix + OTHER + ":sends:sent")).isEqualTo(1);
    }
}
