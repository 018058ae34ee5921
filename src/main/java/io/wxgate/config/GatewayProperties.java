package io.wxgate.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The gateway's own settings, bound from {@code gateway.*} (SPEC §1).
 *
 * @param shutdown        how a stop (SIGTERM) drains the HTTP port
 * @param exitOnceStarted the gateway ends (status 0) as soon as it has started: the class-data-sharing training start
 *                        (README "Going to production", Launch)
 */
@ConfigurationProperties("gateway")
public record GatewayProperties(String httpHost, int httpPort, String dataDir, String apiKey, Shutdown shutdown,
        boolean exitOnceStarted) {

    /**
     * @param grace how long after a stop begins, with readiness already down, new connections are still accepted (and
     *              answered), so load balancers that poll readiness stop sending before connections are refused
     */
    public record Shutdown(Duration grace) {

        public Shutdown {
            grace = grace == null ? Duration.ofSeconds(2) : grace;
            if (grace.isNegative()) {
                throw new IllegalArgumentException("gateway.shutdown.grace must not be negative");
            }
        }
    }

    public GatewayProperties {
        WeChatProperties.require(httpHost, "gateway.http-host");
        WeChatProperties.require(dataDir, "gateway.data-dir (GATEWAY_DATA_DIR)");
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("gateway.http-port (HTTP_PORT) must be a TCP port; got " + httpPort);
        }
        apiKey = apiKey == null ? "" : apiKey;
        shutdown = shutdown == null ? new Shutdown(null) : shutdown;
    }

    @Override
    public String toString() {
        return "GatewayProperties[httpHost=" + httpHost + ", httpPort=" + httpPort + ", dataDir=" + dataDir
                + ", apiKey=" + (apiKey.isEmpty() ? "unset" : "set") + "]";
    }
}
