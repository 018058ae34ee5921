package io.wxgate.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.wxgate.ops.AlertStore;
import io.wxgate.ops.OperatorAlerts.Alert;
import org.springframework.data.redis.core.HashOperations;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The operator alerts of a cluster, in Redis: a hash per account and errcode ({@code <prefix><appId>:alert:<errcode>}:
 * errmsg, api, lastSeen, count) and a set naming those in force ({@code <prefix>alerts}). The instance whose
 * increment of {@code count} makes it 1 raised the alert: only it logs it. Alerts have no expiry: one stays until an
 * operator clears it, whichever instance raised it and whichever answers the clearing.
 */
public final class RedisAlertStore implements AlertStore {

    private final StringRedisTemplate redis;
    private final String prefix;

    public RedisAlertStore(StringRedisTemplate redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public boolean record(Alert occurrence) {
        String key = keyOf(occurrence.appid(), occurrence.errcode());
        HashOperations<String, String, String> hash = redis.opsForHash();
        long count = hash.increment(key, "count", 1);
        hash.putAll(key, Map.of("errmsg", occurrence.errmsg(), "api", occurrence.api(),
                "lastSeen", occurrence.lastSeen().toString()));
        redis.opsForSet().add(index(), member(occurrence.appid(), occurrence.errcode()));
        return count == 1;
    }

    @Override
    public List<Alert> all() {
        Set<String> members = redis.opsForSet().members(index());
        List<Alert> alerts = new ArrayList<>();
        for (String member : members == null ? Set.<String>of() : members) {
            int split = member.lastIndexOf(':');
            String appid = member.substring(0, split);
            read(appid, Integer.parseInt(member.substring(split + 1))).ifPresent(alerts::add);
        }
        return alerts;
    }

    @Override
    public Optional<Alert> remove(String appid, int errcode) {
        Optional<Alert> alert = read(appid, errcode);
        if (alert.isEmpty() || !Boolean.TRUE.equals(redis.delete(keyOf(appid, errcode)))) {
            return Optional.empty(); // none in force, or another instance cleared it first
        }
        redis.opsForSet().remove(index(), member(appid, errcode));
        return alert;
    }

    /** Empty when not in force, or caught between another instance's clearing and its next occurrence. */
    private Optional<Alert> read(String appid, int errcode) {
        Map<String, String> fields = redis.<String, String>opsForHash().entries(keyOf(appid, errcode));
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
