package io.wxgate.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.wxgate.send.OperatorAlerts;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class OpsConfiguration {

    @Bean
    GatewayMetrics gatewayMetrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }

    @Bean("wechatAlerts")
    OperatorAlertsHealth wechatAlertsHealth(OperatorAlerts alerts) {
        return new OperatorAlertsHealth(alerts);
    }
}
