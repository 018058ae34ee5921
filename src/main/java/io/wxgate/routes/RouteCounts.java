package io.wxgate.routes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Exchanges each route completed and failed, for {@code /actuator/routes}. Camel keeps such counts only as JMX
 * MBeans, which the gateway turns off (they slowed start-up; camel.main.jmx-enabled); two adders per route cost
 * nothing a callback would notice. A reloaded route keeps counting under its id.
 */
final class RouteCounts implements RoutePolicyFactory {

    /** Completed includes failed. */
    record Count(long completed, long failed) {
    }

    private final Map<String, LongAdder[]> byRoute = new ConcurrentHashMap<>();

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camel, String routeId, NamedNode route) {
        LongAdder[] adders = byRoute.computeIfAbsent(routeId, id -> new LongAdder[] {new LongAdder(), new LongAdder()});
        return new RoutePolicySupport() {
            @Override
            public void onExchangeDone(Route r, Exchange exchange) {
                adders[0].increment();
                if (exchange.isFailed()) {
                    adders[1].increment();
                }
            }
        };
    }

    Count of(String routeId) {
        LongAdder[] adders = byRoute.get(routeId);
        return adders == null ? new Count(0, 0) : new Count(adders[0].sum(), adders[1].sum());
    }
}
