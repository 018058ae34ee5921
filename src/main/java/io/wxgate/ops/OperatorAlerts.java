package io.wxgate.ops;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configuration and quota problems that no retry can fix (IP not whitelisted, wrong AppSecret, quota used up):
 * logged at ERROR once per errcode, and kept for health and {@code GET /api/v1/alerts} until an operator clears
 * them ({@code DELETE /api/v1/alerts/{errcode}}) or the gateway restarts.
 */
public final class OperatorAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorAlerts.class);

    /** The latest occurrence of one errcode. */
    public record Alert(int errcode, String errmsg, String api, Instant lastSeen, long count) {
    }

    private final Map<Integer, Alert> active = new ConcurrentHashMap<>();
    private final Clock clock;

    public OperatorAlerts(Clock clock) {
        this.clock = clock;
    }

    public void raise(int errcode, String errmsg, String api) {
        Alert previous = active.get(errcode);
        active.merge(errcode, new Alert(errcode, errmsg, api, clock.instant(), 1),
                (old, now) -> new Alert(now.errcode(), now.errmsg(), now.api(), now.lastSeen(), old.count() + 1));
        if (previous == null) {
            LOG.error("Operator action needed: WeChat answered errcode {} ({}) on {}; sends fail until it is fixed",
                    errcode, errmsg, api);
        }
    }

    public Map<Integer, Alert> active() {
        return Map.copyOf(active);
    }

    /** An operator fixed the cause; should it happen again, it is raised (and logged) again. */
    public Optional<Alert> clear(int errcode) {
        Optional<Alert> cleared = Optional.ofNullable(active.remove(errcode));
        cleared.ifPresent(alert -> LOG.info("Operator alert for errcode {} cleared", errcode));
        return cleared;
    }
}
