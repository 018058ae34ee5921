package io.wxgate.routes;

import java.time.Clock;

import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the integrators' routes get from the gateway: bounded HTTP calls, safe reloads, counts and a listing. */
@Configuration(proxyBeanMethods = false)
public class RoutesConfiguration {

    @Bean
    RouteCounts routeCounts() {
        return new RouteCounts();
    }

    @Bean
    RouteReloads routeReloads(CamelContext camel, Clock clock) {
        return new RouteReloads(camel, clock);
    }

    @Bean
    CamelContextConfiguration routeSupport(RouteHttpProperties http, RouteCounts counts, RouteReloads reloads) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                // Before any route makes an endpoint: customizers apply to components as they are created.
                camel.getRegistry().bind("wxgateRouteHttpDefaults", RouteHttpDefaults.customizer(http));
                camel.addRoutePolicyFactory(counts);
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                reloads.install();
            }
        };
    }

    @Bean("routes")
    HealthIndicator routesHealth(RouteReloads reloads) {
        return new RoutesHealth(reloads);
    }

    @Bean
    RoutesEndpoint routesEndpoint(CamelContext camel, RouteReloads reloads, RouteCounts counts) {
        return new RoutesEndpoint(camel, reloads, counts);
    }
}
