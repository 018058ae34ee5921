package io.wxgate.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * First replies shared by every instance. The answer is recorded only if none is, so whichever of the routes
 * and the deadline gets there first wins cluster-wide; recording it also holds the delivery's dedupe claim for
 * the whole window, as the message is now known to be processed or processing on a live instance. A retry that
 * reaches another instance than the first delivery waits on a local future that a poller completes from Redis;
 * such waits are short (retries only, and never past the callback deadline), so a 20 ms poll of just those keys
 * costs little. The same poll notices a claim that lapsed unanswered, its instance dead, and hands it to one
 * waiting retry ({@link #takeOver}).
 */
public final class RedisFirstReplyStore implements FirstReplyStore, AutoCloseable {

    private static final long POLL_MILLIS = 20;

    // One step, so that no instance can find the claim lapsed while the answer is already recorded.
    private static final DefaultRedisScript<String> SETTLE = new DefaultRedisScript<>(
            "local recorded = redis.call('GET', KEYS[1]) "
            + "if recorded then return recorded end "
            + "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) "
            + "redis.call('SET', KEYS[2], '1', 'PX', ARGV[2]) "
            + "return false", String.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final Duration window;
    private final RedisIdempotentRepository claims;
    private final Cache<String, CompletableFuture<String>> local;
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final Map<String, Queue<CompletableFuture<Void>>> takeovers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "first-reply-poller");
        t.setDaemon(true);
        return t;
    });

    public RedisFirstReplyStore(StringRedisTemplate redis, RedisKeys keys, Duration window,
            RedisIdempotentRepository claims) {
        this.redis = redis;
        this.keys = keys;
        this.window = window;
        this.claims = claims;
        this.local = Caffeine.newBuilder().expireAfterWrite(window).build();
        poller.scheduleWithFixedDelay(this::poll, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<String> replyFor(String key) {
        CompletableFuture<String> future = local.get(key, k -> new CompletableFuture<>());
        if (!future.isDone()) {
            waiting.add(key);
            String known = redis.opsForValue().get(keys.of("reply", key));
            if (known != null) {
                future.complete(known);
            }
        }
        return future;
    }

    @Override
    public boolean offer(String key, String reply) {
        String recorded = redis.execute(SETTLE, List.of(keys.of("reply", key), claims.claimOf(key)), reply,
                Long.toString(window.toMillis()));
        boolean won = recorded == null;
        local.get(key, k -> new CompletableFuture<>()).complete(won ? reply : recorded);
        return won;
    }

    @Override
    public CompletableFuture<Void> takeOver(String key) {
        CompletableFuture<Void> turn = new CompletableFuture<>();
        // compute, not computeIfAbsent: the queue must not be dropped as empty between finding it and adding.
        takeovers.compute(key, (k, turns) -> {
            Queue<CompletableFuture<Void>> q = turns == null ? new ConcurrentLinkedQueue<>() : turns;
            q.add(turn);
            return q;
        });
        turn.whenComplete((done, cancelled) -> takeovers.computeIfPresent(key, (k, turns) -> {
            turns.remove(turn);
            return turns.isEmpty() ? null : turns;
        }));
        waiting.add(key);
        return turn;
    }

    private void poll() {
        try {
            List<String> pending = new ArrayList<>();
            for (String key : waiting) {
                CompletableFuture<String> f = local.getIfPresent(key);
                if (f == null || f.isDone()) {
                    waiting.remove(key);
                } else {
                    pending.add(key);
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            List<String> values = redis.opsForValue().multiGet(pending.stream().map(k -> keys.of("reply", k)).toList());
            List<String> unanswered = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                String value = values == null ? null : values.get(i);
                if (value != null) {
                    CompletableFuture<String> f = local.getIfPresent(pending.get(i));
                    if (f != null) {
                        f.complete(value);
                    }
                    waiting.remove(pending.get(i));
                } else if (values != null && takeovers.containsKey(pending.get(i))) {
                    unanswered.add(pending.get(i));
                }
            }
            if (!unanswered.isEmpty()) {
                takeOverLapsed(unanswered);
            }
        } catch (RuntimeException e) {
            // Redis unreachable for a moment: waiters fall back to success at their deadline.
        }
    }

    /** Claims again, for one retry waiting here, each delivery whose claim is gone though no answer was recorded. */
    private void takeOverLapsed(List<String> unanswered) {
        List<String> held = redis.opsForValue().multiGet(unanswered.stream().map(claims::claimOf).toList());
        for (int i = 0; held != null && i < unanswered.size(); i++) {
            String key = unanswered.get(i);
            Queue<CompletableFuture<Void>> turns = takeovers.get(key);
            // Settling records the answer and the claim together, so a claim still gone now lapsed unanswered;
            // SET NX picks one taker among every instance's waiting retries.
            if (held.get(i) != null || turns == null || !claims.add(key)) {
                continue;
            }
            // Should every retry here have stopped waiting a moment ago, nobody uses the claim: it lapses again
            // and WeChat's next retry takes it. Deleting it instead could delete a settlement made meanwhile.
            for (CompletableFuture<Void> turn : turns) {
                if (turn.complete(null)) {
                    break;
                }
            }
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
