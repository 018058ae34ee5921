package io.wxgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
        return new RedisSendStore(redis, new RedisKeys(prefix + UUID.randomUUID() + ":", APP), Duration.ofMinutes(5));
    }

    @Test
    void aRecordWrittenBeforeSendsHadAnAccountBelongsToTheDefaultAccount() {
        SendStore store = new RedisSendStore(redis, new RedisKeys(prefix, APP), Duration.ofMinutes(5));
        redis.opsForValue().set(prefix + APP + ":send:r9", "{\"id\":\"r9\",\"api\":\"template\",\"status\":\"sent\","
                + "\"msgid\":99,\"attempts\":1,\"request\":\"{}\",\"createdAt\":\"2026-11-25T00:00:00Z\","
                + "\"updatedAt\":\"2026-11-25T00:00:00Z\",\"inFlight\":false}");
        redis.opsForValue().set(prefix + APP + ":send-msgid:99", "r9");

        assertThat(store.find("r9")).map(SendRecord::appid).contains(APP);
        assertThat(store.findByMsgid(APP, 99)).map(SendRecord::id).contains("r9");
    }
}
