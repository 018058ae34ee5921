package io.wxgate.routes;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How HTTP calls made by the integrators' routes ({@code to: http://…}, {@code to: https://…}) are bounded unless
 * their URI sets its own options (SPEC §3). WeChat's own API calls have their settings under {@code wechat.send}.
 *
 * @param connectTimeout            time to open the connection
 * @param responseTimeout           time to wait for the answer once the request is sent
 * @param maxConnectionsPerEndpoint connections one endpoint (one URI) may hold at once: a downstream that hangs
 *                                  ties up at most this many of the workers running routes
 * @param connectionWait            how long a call waits for one of those connections before it fails
 */
@ConfigurationProperties("routes.http")
public record RouteHttpProperties(
        Duration connectTimeout,
        Duration responseTimeout,
        int maxConnectionsPerEndpoint,
        Duration connectionWait) {

    public RouteHttpProperties {
        positive(connectTimeout, "routes.http.connect-timeout");
        positive(responseTimeout, "routes.http.response-timeout");
        positive(connectionWait, "routes.http.connection-wait");
        if (maxConnectionsPerEndpoint < 1) {
            throw new IllegalArgumentException("routes.http.max-connections-per-endpoint must be at least 1");
        }
    }

    private static void positive(Duration d, String key) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration");
        }
    }
}
