package io.wxgate.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The gateway's own settings, bound from {@code gateway.*} (SPEC §1).
 *
 * @param shutdown        how a stop (SIGTERM) drains the HTTP port
 * @param broker          how other systems reach the embedded broker's queues (the default set-up only)
 * @param exitOnceStarted the gateway ends (status 0) as soon as it has started: the class-data-sharing training start
 *                        (README "Going to production", Launch)
 */
@ConfigurationProperties("gateway")
public record GatewayProperties(String httpHost, int httpPort, String dataDir, String apiKey, Shutdown shutdown,
        Broker broker, boolean exitOnceStarted) {

    /**
     * @param listen   {@code host:port} where other systems reach the embedded broker (Artemis's core protocol, as
     *                 its JMS client speaks it); empty: the broker is reached from inside the gateway only
     * @param user     the user those systems log in as; required with {@code listen}
     * @param password its password; required with {@code listen}
     */
    public record Broker(String listen, String user, String password) {

        /** The user the gateway's own connections log in as (send.BrokerAccess). */
        public static final String GATEWAY_BROKER_USER = "wxgate-gateway";

        public Broker {
            listen = listen == null ? "" : listen.trim();
            user = user == null ? "" : user;
            password = password == null ? "" : password;
            if (!listen.isEmpty()) {
                if (!listen.matches("[A-Za-z0-9.\\-]+:\\d{1,5}|\\[[0-9A-Fa-f:.]+]:\\d{1,5}")
                        || Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1)) > 65535) {
                    throw new IllegalArgumentException("gateway.broker.listen (BROKER_LISTEN) must be host:port; got "
                            + listen);
                }
                WeChatProperties.require(user, "gateway.broker.user (BROKER_USER), with gateway.broker.listen");
                WeChatProperties.require(password,
                        "gateway.broker.password (BROKER_PASSWORD), with gateway.broker.listen");
                if (user.equals(GATEWAY_BROKER_USER)) {
                    throw new IllegalArgumentException("gateway.broker.user (BROKER_USER) must not be "
                            + GATEWAY_BROKER_USER + ", the gateway's own");
                }
            }
        }

        public boolean listening() {
            return !listen.isEmpty();
        }

        @Override
        public String toString() {
            return "Broker[listen=" + listen + ", user=" + user + ", password=" + (password.isEmpty() ? "unset" : "set")
                    + "]";
        }
    }

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
        broker = broker == null ? new Broker(null, null, null) : broker;
    }

    @Override
    public String toString() {
        return "GatewayProperties[httpHost=" + httpHost + ", httpPort=" + httpPort + ", dataDir=" + dataDir
                + ", apiKey=" + (apiKey.isEmpty() ? "unset" : "set") + "]";
    }
}
