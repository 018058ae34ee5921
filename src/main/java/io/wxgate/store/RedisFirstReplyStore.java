package io.wxgate.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * First replies shared by every instance. The answer is claimed with {@code SET NX PX}, so whichever of the
 * routes and the deadline gets there first wins cluster-wide. A retry that reaches another instance than the
 * first delivery waits on a local future that a poller completes from Redis; such waits are short (retries
 * only, and never past the callback deadline), so a 20 ms poll of just those keys costs little.
 */
public final class RedisFirstReplyStore implements FirstReplyStore, AutoCloseable {

    private static final long POLL_MILLIS = 20;

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final Duration window;
    private final Cache<String, CompletableFuture<String>> local;
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "first-reply-poller");
        t.setDaemon(true);
        return t;
    });

    public RedisFirstReplyStore(StringRedisTemplate redis, RedisKeys keys, Duration window) {
        this.redis = redis;
        this.keys = keys;
        this.window = window;
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
        boolean won = Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(keys.of("reply", key), reply, window));
        String answer = won ? reply : redis.opsForValue().get(keys.of("reply", key));
        if (answer != null) {
            local.get(key, k -> new CompletableFuture<>()).complete(answer);
        }
        return won;
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
            for (int i = 0; i < pending.size(); i++) {
                String value = values == null ? null : values.get(i);
                if (value != null) {
                    CompletableFuture<String> f = local.getIfPresent(pending.get(i));
                    if (f != null) {
                        f.complete(value);
                    }
                    waiting.remove(pending.get(i));
                }
            }
        } catch (RuntimeException e) {
            // Redis unreachable for a moment: waiters fall back to success at their deadline.
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
