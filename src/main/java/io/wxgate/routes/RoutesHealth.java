package io.wxgate.routes;

import java.util.LinkedHashMap;
import java.util.Map;

import io.wxgate.ops.OperatorAlertsHealth;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health's {@code routes} component: ALERT while a route file's latest edit did not load (its previous routes
 * serve meanwhile, so the instance is not DOWN: a restart would only stop it from starting), with each such file's
 * line and reason; UP once every file loads.
 */
final class RoutesHealth implements HealthIndicator {

    private final RouteReloads reloads;

    RoutesHealth(RouteReloads reloads) {
        this.reloads = reloads;
    }

    @Override
    public Health health() {
        var failing = reloads.failing();
        if (failing.isEmpty()) {
            return Health.up().build();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        failing.forEach(f -> details.put(f.file(), Map.of("problem", f.problem(), "at", f.at().toString(),
                "serving", f.routeIds())));
        return Health.status(OperatorAlertsHealth.ALERT).withDetails(details).build();
    }
}
