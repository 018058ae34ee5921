package io.wxgate.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import io.wxgate.callback.SharedDeadLetters;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * A cluster's inbound dead letters in Redis: one hash, id to message JSON ({@code <prefix>inbound-dead-letters}),
 * and a key per letter being replayed ({@code <prefix>inbound-dead-letters:replaying:<id>}), which lapses after
 * {@link #HOLD} should its instance die mid-replay.
 */
public final class RedisDeadLetters implements SharedDeadLetters {

    static final Duration HOLD = Duration.ofMinutes(2);

    /** KEYS: the letters, the hold; ARGV: id, hold in ms. The letter's JSON if it is there and not held. */
    private static final DefaultRedisScript<String> TAKE = new DefaultRedisScript<>("""
            local json = redis.call('HGET', KEYS[1], ARGV[1])
            if not json then return false end
            if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return false end
            return json""", String.class);
    /** KEYS: the letters, the hold; ARGV: id. */
    private static final DefaultRedisScript<Long> REPLAYED = new DefaultRedisScript<>("""
            redis.call('HDEL', KEYS[1], ARGV[1])
            return redis.call('DEL', KEYS[2])""", Long.class);

    private final StringRedisTemplate redis;
    private final String letters;

    public RedisDeadLetters(StringRedisTemplate redis, String prefix) {
        this.redis = redis;
        this.letters = prefix + "inbound-dead-letters";
    }

    @Override
    public void keep(String id, String json) {
        redis.opsForHash().put(letters, id, json);
    }

    @Override
    public SortedMap<String, String> all() {
        SortedMap<String, String> all = new TreeMap<>();
        for (Map.Entry<Object, Object> letter : redis.opsForHash().entries(letters).entrySet()) {
            all.put((String) letter.getKey(), (String) letter.getValue());
        }
        return all;
    }

    @Override
    public Optional<String> take(String id) {
        return Optional.ofNullable(redis.execute(TAKE, List.of(letters, hold(id)), id,
                Long.toString(HOLD.toMillis())));
    }

    @Override
    public void replayed(String id) {
        redis.execute(REPLAYED, List.of(letters, hold(id)), id);
    }

    private String hold(String id) {
        return letters + ":replaying:" + id;
    }
}
