package io.wxgate;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class WxGateApplication {

    public static void main(String[] args) {
        SpringApplication.run(WxGateApplication.class, args);
    }
}
