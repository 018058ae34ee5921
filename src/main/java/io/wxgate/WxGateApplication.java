package io.wxgate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Boot's DataSource auto-configuration is replaced by connectors.DataSourceConfiguration (a pool only when set). */
@SpringBootApplication(exclude = DataSourceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class WxGateApplication {

    public static void main(String[] args) {
        SpringApplication.run(WxGateApplication.class, args);
    }
}
