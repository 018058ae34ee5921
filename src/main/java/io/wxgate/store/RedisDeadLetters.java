package io.wxgate.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

import io.wxgate.callback.SharedDeadLetters;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * A cluster's inbound dead letters in Redis: one hash, id to message JSON ({@code <prefix>inbound-dead-letters}),
 * and a key per letter being replayed ({@code <prefix>inbound-dead-letters:replaying:<id>}) that names the instance
 * holding it (an id made at start-up) and lapses {@link #HOLD} after it was last taken or claimed. Every step that
 * reads and changes them is one script.
 */
public final class RedisDeadLetters implements SharedDeadLetters {

    static final Duration HOLD = Duration.ofMinutes(2);

    /** KEYS: letters, hold; ARGV: id, owner, hold ms. The letter's JSON if it is kept and nobody holds it. */
    private static final DefaultRedisScript<String> TAKE = new DefaultRedisScript<>("""
            local json = redis.call('HGET', KEYS[1], ARGV[1])
            if not json then return false end
            if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return false end
            return json""", String.class);
    /** KEYS: letters, hold; ARGV: id, owner, hold ms. 1 when this owner may run the letter now. */
    private static final DefaultRedisScript<Long> CLAIM = new DefaultRedisScript<>("""
            local holder = redis.call('GET', KEYS[2])
            if holder and holder ~= ARGV[2] then return 0 end
            if (not holder) and redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 1 end
            redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
            return 1""", Long.class);
    /** KEYS: letters, hold; ARGV: id, owner. Removes the letter and its hold if this owner holds it. */
    private static final DefaultRedisScript<Long> REPLAYED = new DefaultRedisScript<>("""
            if redis.call('GET', KEYS[2]) ~= ARGV[2] then return 0 end
            redis.call('HDEL', KEYS[1], ARGV[1])
            return redis.call('DEL', KEYS[2])""", Long.class);
    /** KEYS: hold; ARGV: owner. Ends this owner's hold. */
    private static final DefaultRedisScript<Long> RELEASE = new DefaultRedisScript<>("""
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            return redis.call('DEL', KEYS[1])""", Long.class);

    private final StringRedisTemplate redis;
    private final String letters;
    private final String owner = UUID.randomUUID().toString();

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
        return Optional.ofNullable(redis.execute(TAKE, List.of(letters, hold(id)), id, owner, holdMillis()));
    }

    @Override
    public boolean claim(String id) {
        return Long.valueOf(1).equals(redis.execute(CLAIM, List.of(letters, hold(id)), id, owner, holdMillis()));
    }

    @Override
    public void replayed(String id) {
        redis.execute(REPLAYED, List.of(letters, hold(id)), id, owner);
    }

    @Override
    public void release(String id) {
        redis.execute(RELEASE, List.of(hold(id)), owner);
    }

    private static String holdMillis() {
        return Long.toString(HOLD.toMillis());
    }

    private String hold(String id) {
        return letters + ":replaying:" + id;
    }
}
