package io.wxgate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.wxgate.testkit.LocalRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The dedupe claim of cluster mode on the machine's real Redis (SPEC §6): taken for a short lease, held for the
 * dedupe window once the first reply is settled, and taken over by exactly one waiting retry when it lapses
 * unanswered. Each "instance" is a pair of stores with its own poller; keys live under a prefix of this run.
 */
class RedisClaimLeaseTest {

    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Duration SHORT_LEASE = Duration.ofMillis(300);
    private static LocalRedis local;
    private static StringRedisTemplate redis;

    private final RedisKeys keys = new RedisKeys(local.prefix(), "wxtestapp");
    private final List<RedisFirstReplyStore> opened = new ArrayList<>();

    /** One gateway instance's view of the shared stores. */
    private record Instance(RedisIdempotentRepository claims, RedisFirstReplyStore replies) {
    }

    @BeforeAll
    static void connect() {
        local = new LocalRedis();
        redis = local.template();
    }

    @AfterEach
    void stopPollers() {
        opened.forEach(RedisFirstReplyStore::close);
    }

    @AfterAll
    static void removeKeysAndDisconnect() {
        local.close();
    }

    private Instance instance(Duration lease) {
        RedisIdempotentRepository claims = new RedisIdempotentRepository(redis, keys, lease);
        RedisFirstReplyStore replies = new RedisFirstReplyStore(redis, keys, WINDOW, claims);
        opened.add(replies);
        return new Instance(claims, replies);
    }

    private static String newKey() {
        return "wxtestapp|m|" + UUID.randomUUID();
    }

    @Test
    void aClaimNobodySettlesLapsesAfterItsLeaseAndCanBeClaimedAgain() {
        Instance a = instance(SHORT_LEASE);
        Instance b = instance(SHORT_LEASE);
        String key = newKey();

        assertThat(a.claims().add(key)).isTrue();

        assertThat(b.claims().add(key)).as("claimed while the lease holds").isFalse();
        assertThat(redis.getExpire(a.claims().claimOf(key), TimeUnit.MILLISECONDS)).isBetween(1L, 300L);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.claims().add(key));
    }

    @Test
    void settlingTheFirstReplyHoldsTheClaimForTheWholeDedupeWindow() throws Exception {
        Instance a = instance(SHORT_LEASE);
        Instance b = instance(SHORT_LEASE);
        String key = newKey();
        a.claims().add(key);

        assertThat(a.replies().offer(key, "<xml>reply</xml>")).isTrue();

        assertThat(redis.getExpire(a.claims().claimOf(key), TimeUnit.SECONDS)).isGreaterThan(WINDOW.toSeconds() - 10);
        Thread.sleep(SHORT_LEASE.toMillis() * 2);
        assertThat(b.claims().add(key)).as("claimed after the lease, though settled").isFalse();
        assertThat(b.replies().replyFor(key).get(2, TimeUnit.SECONDS)).isEqualTo("<xml>reply</xml>");
        assertThat(b.replies().offer(key, "")).isFalse();
    }

    @Test
    void exactlyOneWaitingRetryTakesOverTheClaimOfAnInstanceThatDied() throws Exception {
        // Long enough that the winner below settles well within it, even on a loaded machine.
        Duration lease = Duration.ofSeconds(2);
        Instance dead = instance(lease);
        List<Instance> live = List.of(instance(lease), instance(lease), instance(lease));
        String key = newKey();
        dead.claims().add(key);
        List<CompletableFuture<String>> waiting = new ArrayList<>();
        List<CompletableFuture<Void>> turns = new ArrayList<>();
        List<Instance> turnOwners = new ArrayList<>();
        for (Instance i : List.of(live.get(0), live.get(0), live.get(1), live.get(2))) {
            waiting.add(i.replies().replyFor(key));
            turns.add(i.replies().takeOver(key));
            turnOwners.add(i);
        }

        Thread.sleep(500);
        assertThat(turns).as("taken over while the lease holds").noneMatch(CompletableFuture::isDone);
        await().atMost(Duration.ofSeconds(10)).until(() -> turns.stream().anyMatch(CompletableFuture::isDone));
        Thread.sleep(300);

        assertThat(turns.stream().filter(CompletableFuture::isDone)).hasSize(1);
        Instance winner = turnOwners.get(turns.indexOf(turns.stream().filter(CompletableFuture::isDone).findFirst()
                .orElseThrow()));
        assertThat(winner.replies().offer(key, "<xml>taken over</xml>")).isTrue();
        for (CompletableFuture<String> w : waiting) {
            assertThat(w.get(2, TimeUnit.SECONDS)).isEqualTo("<xml>taken over</xml>");
        }
        assertThat(dead.replies().offer(key, "")).as("the dead instance's answer, were it to come back").isFalse();
    }

    @Test
    void aClaimSettledInTimeIsNotTakenOver() throws Exception {
        Instance owner = instance(SHORT_LEASE);
        Instance other = instance(SHORT_LEASE);
        String key = newKey();
        owner.claims().add(key);
        CompletableFuture<String> retry = other.replies().replyFor(key);
        CompletableFuture<Void> turn = other.replies().takeOver(key);

        owner.replies().offer(key, "");

        assertThat(retry.get(2, TimeUnit.SECONDS)).isEmpty();
        Thread.sleep(SHORT_LEASE.toMillis() * 2);
        assertThat(turn).isNotDone();
    }

    @Test
    void aRetryThatStoppedWaitingTakesNoClaim() throws Exception {
        Instance dead = instance(SHORT_LEASE);
        Instance other = instance(SHORT_LEASE);
        String key = newKey();
        dead.claims().add(key);
        other.replies().replyFor(key);

        other.replies().takeOver(key).cancel(false);

        Thread.sleep(SHORT_LEASE.toMillis() * 3);
        assertThat(redis.hasKey(dead.claims().claimOf(key))).as("claim held by nobody waiting").isFalse();
        assertThat(other.claims().add(key)).as("WeChat's next retry claims it").isTrue();
    }
}
