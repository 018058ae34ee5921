package io.wxgate.ops;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * Shows the operator alerts of SPEC §4 (40164 IP not whitelisted, 40125 wrong AppSecret, 45009 quota …) in
 * health as status ALERT: visible to monitoring, but not DOWN, so no orchestrator restarts an instance that a
 * restart cannot fix.
 */
public final class OperatorAlertsHealth implements HealthIndicator {

    public static final Status ALERT = new Status("ALERT", "WeChat reports a problem only an operator can fix");

    private final OperatorAlerts alerts;

    public OperatorAlertsHealth(OperatorAlerts alerts) {
        this.alerts = alerts;
    }

    @Override
    public Health health() {
        List<OperatorAlerts.Alert> active = alerts.active();
        if (active.isEmpty()) {
            return Health.up().build();
        }
        // Keyed "<appid>:<errcode>": the same errcode may be up on several accounts at once.
        Map<String, Object> details = new TreeMap<>();
        active.forEach(alert -> details.put(alert.appid() + ":" + alert.errcode(), Map.of("appid", alert.appid(),
                "errcode", alert.errcode(), "errmsg", alert.errmsg(), "api", alert.api(),
                "lastSeen", alert.lastSeen().toString(), "count", alert.count())));
        return Health.status(ALERT).withDetails(details).build();
    }
}
