package io.wxgate.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The gateway's own settings, bound from {@code gateway.*} (SPEC §1). */
@ConfigurationProperties("gateway")
public record GatewayProperties(String httpHost, int httpPort, String dataDir, String apiKey) {

    public GatewayProperties {
        WeChatProperties.require(httpHost, "gateway.http-host");
        WeChatProperties.require(dataDir, "gateway.data-dir (GATEWAY_DATA_DIR)");
        if (httpPort < 0 || httpPort > 65535) {
            throw new IllegalArgumentException("gateway.http-port (HTTP_PORT) must be a TCP port; got " + httpPort);
        }
        apiKey = apiKey == null ? "" : apiKey;
    }

    @Override
    public String toString() {
        return "GatewayProperties[httpHost=" + httpHost + ", httpPort=" + httpPort + ", dataDir=" + dataDir
                + ", apiKey=" + (apiKey.isEmpty() ? "unset" : "set") + "]";
    }
}
