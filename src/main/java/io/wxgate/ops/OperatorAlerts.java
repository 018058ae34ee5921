package io.wxgate.ops;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configuration and quota problems that no retry can fix (IP not whitelisted, wrong AppSecret, quota used up):
 * logged at ERROR once per account and errcode, and kept for health and {@code GET /api/v1/alerts} until an
 * operator clears them ({@code DELETE /api/v1/accounts/{appId}/alerts/{errcode}}) or, in the embedded default, the
 * gateway restarts. In cluster mode they are kept in Redis: the whole cluster logs, shows and clears one alert.
 * Each official account has its own (SPEC §7): one account's wrong AppSecret says nothing about another's.
 */
public final class OperatorAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorAlerts.class);

    /** The latest occurrence of one errcode on one account. */
    public record Alert(String appid, int errcode, String errmsg, String api, Instant lastSeen, long count) {
    }

    private final AlertStore store;
    private final Clock clock;

    public OperatorAlerts(AlertStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void raise(String appid, int errcode, String errmsg, String api) {
        if (store.record(new Alert(appid, errcode, errmsg, api, clock.instant(), 1))) {
            LOG.error("Operator action needed: WeChat answered errcode {} ({}) on {} for account {}; its sends fail "
                    + "until it is fixed", errcode, errmsg, api, appid);
        }
    }

    /** Every active alert, by account and errcode. */
    public List<Alert> active() {
        return store.all().stream()
                .sorted(Comparator.comparing(Alert::appid).thenComparingInt(Alert::errcode)).toList();
    }

    /** The active alerts of one account. */
    public List<Alert> active(String appid) {
        return active().stream().filter(alert -> alert.appid().equals(appid)).toList();
    }

    /** An operator fixed the cause; should it happen again, it is raised (and logged) again. */
    public Optional<Alert> clear(String appid, int errcode) {
        Optional<Alert> cleared = store.remove(appid, errcode);
        cleared.ifPresent(alert -> LOG.info("Operator alert for errcode {} of account {} cleared", errcode, appid));
        return cleared;
    }
}
