package io.wxgate.ops;

import java.time.Clock;

import io.wxgate.account.Accounts;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class OpsConfiguration {

    /**
     * application.yaml makes beans lazily, for start-up time. Camel's Micrometer integration does its work when
     * its auto-configuration is made, which nothing asks for: made at start, or Camel's route metrics vanish.
     */
    @Bean
    static LazyInitializationExcludeFilter camelMetricsAtStart() {
        return (name, definition, type) -> type != null
                && type.getName().startsWith("org.apache.camel.component.micrometer.springboot.");
    }

    @Bean
    GatewayMetrics gatewayMetrics(MeterRegistry registry, Accounts accounts) {
        return new GatewayMetrics(registry, accounts);
    }

    @Bean
    OperatorAlerts operatorAlerts(ObjectProvider<AlertStore> clusterStore, Clock clock) {
        return new OperatorAlerts(clusterStore.getIfAvailable(AlertStore.Local::new), clock);
    }

    @Bean("wechatAlerts")
    OperatorAlertsHealth wechatAlertsHealth(OperatorAlerts alerts) {
        return new OperatorAlertsHealth(alerts);
    }
}
