package io.wxgate;

import io.wxgate.check.RouteCheck;
import io.wxgate.config.GatewayProperties;
import io.wxgate.connectors.ExtensionFolder;
import io.wxgate.ops.GracefulStop;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/** Boot's DataSource auto-configuration is replaced by connectors.DataSourceConfiguration (a pool only when set). */
@SpringBootApplication(exclude = DataSourceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class WxGateApplication {

    public static void main(String[] args) {
        ExtensionFolder lib;
        try {
            lib = ExtensionFolder.fromEnvironment();
        } catch (IllegalStateException e) {
            // Before Spring, so before logging: a plain line on stderr, and the status a deploy pipeline sees.
            System.err.println("wxgate did not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        // Spring's class loader, and through it Camel's (the application context's), is the thread's context class
        // loader when the application starts: from here on components, starters and drivers in the folder are found.
        Thread.currentThread().setContextClassLoader(lib.classLoader(WxGateApplication.class.getClassLoader()));
        if (RouteCheck.requested(args)) {
            // README "Check an edit before deploying": routes and their examples, without starting the gateway;
            // after the extension folder, so that its components count as known.
            System.exit(RouteCheck.run(args));
        }
        SpringApplication application = new SpringApplication(WxGateApplication.class);
        application.addListeners(lib.startUpLog());
        GracefulStop.beforeRun(application);
        ConfigurableApplicationContext context = application.run(args);
        if (context.getBean(GatewayProperties.class).exitOnceStarted()) {
            // README "Going to production", Launch: the class-data-sharing archive's training start. Started means
            // every bean made, Camel's routes running and both ports open, so the archive holds all of that.
            LoggerFactory.getLogger(WxGateApplication.class)
                    .info("Started; ending now (gateway.exit-once-started=true)");
            System.exit(SpringApplication.exit(context));
        }
        GracefulStop.install(context);
    }
}
