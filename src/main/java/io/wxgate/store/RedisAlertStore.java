package io.wxgate.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.wxgate.ops.AlertStore;
import io.wxgate.ops.OperatorAlerts.Alert;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;

/**
 * The operator alerts of a cluster, in Redis: a hash per account and errcode ({@code <prefix><appId>:alert:<errcode>}:
 * errmsg, api, lastSeen, count) and a set naming those in force ({@code <prefix>alerts}). Recording and clearing are
 * one script each, so an alert cleared by one instance while another records it again is either cleared or in force
 * and listed, never in force unlisted. The instance whose occurrence makes {@code count} 1 raised the alert: only it
 * logs it. Alerts have no expiry: one stays until an operator clears it, through any instance.
 */
public final class RedisAlertStore implements AlertStore {

    /** KEYS: the alert's hash, the set; ARGV: errmsg, api, lastSeen, set member. Returns the count. */
    private static final DefaultRedisScript<Long> RECORD = new DefaultRedisScript<>("""
            local count = redis.call('HINCRBY', KEYS[1], 'count', 1)
            redis.call('HSET', KEYS[1], 'errmsg', ARGV[1], 'api', ARGV[2], 'lastSeen', ARGV[3])
            redis.call('SADD', KEYS[2], ARGV[4])
            return count""", Long.class);
    /** KEYS: the alert's hash, the set; ARGV: set member. Returns the hash's fields as they were (none: not in force). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final DefaultRedisScript<List<String>> REMOVE = new DefaultRedisScript("""
            local fields = redis.call('HGETALL', KEYS[1])
            redis.call('DEL', KEYS[1])
            redis.call('SREM', KEYS[2], ARGV[1])
            return fields""", List.class);

    private final StringRedisTemplate redis;
    private final String prefix;

    public RedisAlertStore(StringRedisTemplate redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public boolean record(Alert occurrence) {
        Long count = redis.execute(RECORD, List.of(keyOf(occurrence.appid(), occurrence.errcode()), index()),
                occurrence.errmsg(), occurrence.api(), occurrence.lastSeen().toString(),
                member(occurrence.appid(), occurrence.errcode()));
        return count != null && count == 1;
    }

    @Override
    public List<Alert> all() {
        Set<String> members = redis.opsForSet().members(index());
        List<Alert> alerts = new ArrayList<>();
        for (String member : members == null ? Set.<String>of() : members) {
            int split = member.lastIndexOf(':');
            String appid = member.substring(0, split);
            int errcode = Integer.parseInt(member.substring(split + 1));
            alertOf(appid, errcode, redis.<String, String>opsForHash().entries(keyOf(appid, errcode)))
                    .ifPresent(alerts::add);
        }
        return alerts;
    }

    @Override
    public Optional<Alert> remove(String appid, int errcode) {
        List<String> pairs = redis.execute(REMOVE, List.of(keyOf(appid, errcode), index()), member(appid, errcode));
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; pairs != null && i + 1 < pairs.size(); i += 2) {
            fields.put(pairs.get(i), pairs.get(i + 1));
        }
        return alertOf(appid, errcode, fields); // empty: none in force, or another instance cleared it first
    }

    /** Empty when the alert's hash is gone: cleared between reading the set and the hash. */
    private static Optional<Alert> alertOf(String appid, int errcode, Map<String, String> fields) {
        if (fields.get("lastSeen") == null || fields.get("count") == null) {
            return Optional.empty();
        }
        return Optional.of(new Alert(appid, errcode, fields.getOrDefault("errmsg", ""), fields.getOrDefault("api", ""),
                Instant.parse(fields.get("lastSeen")), Long.parseLong(fields.get("count"))));
    }

    private String keyOf(String appid, int errcode) {
        return new RedisKeys(prefix, appid).of("alert", Integer.toString(errcode));
    }

    private String index() {
        return prefix + "alerts";
    }

    private static String member(String appid, int errcode) {
        return appid + ':' + errcode;
    }
}
