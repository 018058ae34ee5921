package io.wxgate.config;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The management port (Spring Boot's {@code server.port}: health, probes, metrics) when {@code MANAGEMENT_PORT} does
 * not name one: {@code HTTP_PORT + 10000}, or {@code HTTP_PORT - 10000} where that sum is not a TCP port (SPEC §1).
 * A fixed default would let only one instance start on a host: instances that differ only in {@code HTTP_PORT} must
 * start side by side, as the README's cluster example runs them. {@code HTTP_PORT=0} (any free port) gives a free
 * management port too. A management port equal to the callback port, which no derivation gives, is refused: both
 * servers would claim it and the second would stop start-up with a less helpful message.
 */
public final class ManagementPort implements EnvironmentPostProcessor {

    static final int OFFSET = 10_000;
    private static final String SOURCE = "wxgate-derived-management-port";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String httpPort = environment.getProperty("gateway.http-port");
        if (httpPort == null || httpPort.isBlank()) {
            return; // not the gateway's own configuration (a test slice): leave Boot's default alone
        }
        int http = port(httpPort, "gateway.http-port (HTTP_PORT)");
        String configured = environment.getProperty("server.port");
        int management;
        if (configured == null || configured.isBlank()) {
            management = derivedFrom(http);
            environment.getPropertySources().addFirst(new MapPropertySource(SOURCE, Map.of("server.port", management)));
        } else {
            management = port(configured, "server.port (MANAGEMENT_PORT)");
        }
        if (management == http && http != 0) {
            throw new IllegalArgumentException("server.port (MANAGEMENT_PORT) must differ from gateway.http-port "
                    + "(HTTP_PORT): both are " + http + "; health and metrics never share the callback port");
        }
    }

    /** The management port of an instance whose callback port is {@code httpPort}. */
    static int derivedFrom(int httpPort) {
        if (httpPort == 0) {
            return 0;
        }
        return httpPort + OFFSET <= 65_535 ? httpPort + OFFSET : httpPort - OFFSET;
    }

    private static int port(String value, String key) {
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw new IllegalArgumentException(key + " must be a TCP port (0-65535); got " + value.trim());
    }
}
