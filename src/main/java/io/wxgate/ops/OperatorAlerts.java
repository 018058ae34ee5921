package io.wxgate.ops;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configuration and quota problems that no retry can fix (IP not whitelisted, wrong AppSecret, quota used up):
 * logged at ERROR once per account and errcode, and kept for health and {@code GET /api/v1/alerts} until an
 * operator clears them ({@code DELETE /api/v1/accounts/{appId}/alerts/{errcode}}) or the gateway restarts.
 * Each official account has its own (SPEC §7): one account's wrong AppSecret says nothing about another's.
 */
public final class OperatorAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorAlerts.class);

    /** The latest occurrence of one errcode on one account. */
    public record Alert(String appid, int errcode, String errmsg, String api, Instant lastSeen, long count) {
    }

    private record Key(String appid, int errcode) {
    }

    private final Map<Key, Alert> active = new ConcurrentHashMap<>();
    private final Clock clock;

    public OperatorAlerts(Clock clock) {
        this.clock = clock;
    }

    public void raise(String appid, int errcode, String errmsg, String api) {
        Key key = new Key(appid, errcode);
        Alert previous = active.get(key);
        active.merge(key, new Alert(appid, errcode, errmsg, api, clock.instant(), 1),
                (old, now) -> new Alert(appid, errcode, now.errmsg(), now.api(), now.lastSeen(), old.count() + 1));
        if (previous == null) {
            LOG.error("Operator action needed: WeChat answered errcode {} ({}) on {} for account {}; its sends fail "
                    + "until it is fixed", errcode, errmsg, api, appid);
        }
    }

    /** Every active alert, by account and errcode. */
    public List<Alert> active() {
        return active.values().stream()
                .sorted(Comparator.comparing(Alert::appid).thenComparingInt(Alert::errcode)).toList();
    }

    /** The active alerts of one account. */
    public List<Alert> active(String appid) {
        return active().stream().filter(alert -> alert.appid().equals(appid)).toList();
    }

    /** An operator fixed the cause; should it happen again, it is raised (and logged) again. */
    public Optional<Alert> clear(String appid, int errcode) {
        Optional<Alert> cleared = Optional.ofNullable(active.remove(new Key(appid, errcode)));
        cleared.ifPresent(alert -> LOG.info("Operator alert for errcode {} of account {} cleared", errcode, appid));
        return cleared;
    }
}
