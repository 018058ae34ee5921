package io.wxgate.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.wxgate.send.OperatorAlerts;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class OpsConfiguration {

    /**
     * application.yaml makes beans lazily, for start-up time; Camel's own beans (its metrics notifiers among them)
     * are still made at start, as Camel expects of the beans it finds rather than asks for.
     */
    @Bean
    static LazyInitializationExcludeFilter camelBeansAtStart() {
        return (name, definition, type) -> type != null && type.getName().startsWith("org.apache.camel.");
    }

    @Bean
    GatewayMetrics gatewayMetrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }

    @Bean("wechatAlerts")
    OperatorAlertsHealth wechatAlertsHealth(OperatorAlerts alerts) {
        return new OperatorAlertsHealth(alerts);
    }
}
