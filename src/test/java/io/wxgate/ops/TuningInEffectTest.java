package io.wxgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.wxgate.config.SendProperties;
import io.wxgate.testkit.GatewayTest;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The settings that the benchmark's figures and the send path's timeouts depend on reach the components that
 * use them. Applied through a component customizer they once did not, depending on the order beans were made,
 * and the calls ran on library defaults: 20 connections to WeChat and camel-http's 3-minute read timeout.
 */
class TuningInEffectTest extends GatewayTest {

    @Autowired
    CamelContext camel;
    @Autowired
    SendProperties send;
    @Autowired
    EmbeddedActiveMQ broker;

    @Test
    void weChatCallsUseTheConfiguredPoolAndTimeouts() {
        HttpComponent http = camel.getComponent("http", HttpComponent.class);
        List<HttpEndpoint> weChat = camel.getEndpoints().stream()
                .filter(HttpEndpoint.class::isInstance).map(HttpEndpoint.class::cast).toList();

        // The endpoints' pools are what the calls use; they are made when the routes start.
        assertThat(weChat).as("the send routes' WeChat endpoints").isNotEmpty().allSatisfy(endpoint -> {
            var pool = (PoolingHttpClientConnectionManager) endpoint.getClientConnectionManager();
            assertThat(pool.getDefaultMaxPerRoute()).isEqualTo(send.maxConnections());
            assertThat(pool.getMaxTotal()).isEqualTo(send.maxConnections() * 2);
            assertThat(endpoint.getConnectTimeout()).isEqualTo(send.connectTimeout().toMillis());
            assertThat(endpoint.getResponseTimeout()).isEqualTo(send.readTimeout().toMillis());
        });
        assertThat(http.getResponseTimeout()).isEqualTo(send.readTimeout().toMillis());
        assertThat(http.getConnectTimeout()).isEqualTo(send.connectTimeout().toMillis());
    }

    @Test
    void theEmbeddedBrokerPagesTheInboundQueueAndSyncsItsJournalOften() {
        Configuration config = broker.getActiveMQServer().getConfiguration();
        AddressSettings inbound = broker.getActiveMQServer().getAddressSettingsRepository().getMatch("wechat.inbound");

        assertThat(inbound.getAddressFullMessagePolicy()).isEqualTo(AddressFullMessagePolicy.PAGE);
        assertThat(inbound.getMaxSizeBytes()).isPositive();
        assertThat(config.getJournalBufferTimeout_NIO()).isLessThanOrEqualTo(500_000);
        assertThat(config.isJMXManagementEnabled()).isFalse();
    }
}
