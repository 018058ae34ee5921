package io.wxgate;

import io.wxgate.check.RouteCheck;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class WxGateApplication {

    public static void main(String[] args) {
        if (RouteCheck.requested(args)) {
            // README "Check an edit before deploying": routes and their examples, without starting the gateway.
            System.exit(RouteCheck.run(args));
        }
        SpringApplication.run(WxGateApplication.class, args);
    }
}
