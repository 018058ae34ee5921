package io.wxgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;

import io.wxgate.config.SendProperties;
import io.wxgate.routes.RouteHttpProperties;
import io.wxgate.testkit.GatewayTest;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.component.http.HttpMethods;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ApplicationContext;

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
    @Autowired
    RouteHttpProperties routeHttp;
    @Autowired
    ApplicationContext context;

    @Test
    void weChatCallsUseTheConfiguredPoolAndTimeouts() {
        List<HttpEndpoint> weChat = httpEndpoints().stream().filter(e -> isWeChat(e.getHttpUri())).toList();

        // The endpoints' pools are what the calls use; they are made when the routes start.
        assertThat(weChat).as("the send routes' WeChat endpoints").hasSize(2).allSatisfy(endpoint -> {
            var pool = (PoolingHttpClientConnectionManager) endpoint.getClientConnectionManager();
            assertThat(pool.getDefaultMaxPerRoute()).isEqualTo(send.maxConnections());
            assertThat(pool.getMaxTotal()).isEqualTo(send.maxConnections() * 2);
            assertThat(endpoint.getConnectTimeout()).isEqualTo(send.connectTimeout().toMillis());
            assertThat(endpoint.getResponseTimeout()).isEqualTo(send.readTimeout().toMillis());
            assertThat(endpoint.getConnectionRequestTimeout()).isEqualTo(send.readTimeout().toMillis());
        });
    }

    /** SPEC §3: a route's HTTP call is bounded unless its URI says otherwise; routes.http.* are its defaults. */
    @Test
    void routesHttpCallsAreBoundedByDefaultAndTheirUriOptionsWin() throws Exception {
        camel.getEndpoint("http://127.0.0.1:" + DOWNSTREAM.port() + "/tuning-default");
        camel.getEndpoint("http://127.0.0.1:" + DOWNSTREAM.port() + "/tuning-own?responseTimeout=12345&connectionsPerRoute=3");

        HttpEndpoint byDefault = endpoint("/tuning-default");
        HttpEndpoint own = endpoint("/tuning-own");

        assertThat(byDefault.getConnectTimeout()).isEqualTo(routeHttp.connectTimeout().toMillis());
        assertThat(byDefault.getResponseTimeout()).isEqualTo(routeHttp.responseTimeout().toMillis());
        assertThat(byDefault.getConnectionRequestTimeout()).isEqualTo(routeHttp.connectionWait().toMillis());
        assertThat(((PoolingHttpClientConnectionManager) byDefault.getClientConnectionManager()).getDefaultMaxPerRoute())
                .isEqualTo(routeHttp.maxConnectionsPerEndpoint());
        assertThat(own.getResponseTimeout()).isEqualTo(12345);
        assertThat(own.getConnectTimeout()).isEqualTo(routeHttp.connectTimeout().toMillis());
        assertThat(((PoolingHttpClientConnectionManager) own.getClientConnectionManager()).getDefaultMaxPerRoute())
                .isEqualTo(3);
    }

    /**
     * Issue 16: {@code CamelHttpMethod} set as text ("POST") is read by every HTTP call as camel-http's enum; without
     * a converter for that pair Camel searched its whole converter registry on each call (a tenth of a send
     * consumer's CPU). The gateway's converter is the one found, and converts as Camel's fallback did.
     */
    @Test
    void httpMethodsAreReadFromTextWithoutSearchingTheConverterRegistry() {
        assertThat(camel.getTypeConverterRegistry().lookup(HttpMethods.class, String.class))
                .as("the converter found for String -> HttpMethods").isNotNull()
                .isNotInstanceOf(org.apache.camel.impl.converter.EnumTypeConverter.class);
        var converter = camel.getTypeConverter();
        assertThat(converter.convertTo(HttpMethods.class, "POST")).isEqualTo(HttpMethods.POST);
        assertThat(converter.convertTo(HttpMethods.class, " get ")).isEqualTo(HttpMethods.GET);
        assertThat(converter.convertTo(HttpMethods.class, "Delete")).isEqualTo(HttpMethods.DELETE);
        assertThat(converter.convertTo(HttpMethods.class, "FETCH")).as("not a method").isNull();
    }

    private List<HttpEndpoint> httpEndpoints() {
        return camel.getEndpoints().stream().filter(HttpEndpoint.class::isInstance).map(HttpEndpoint.class::cast).toList();
    }

    private HttpEndpoint endpoint(String path) {
        return httpEndpoints().stream().filter(e -> e.getHttpUri().getPath().equals(path)).findFirst().orElseThrow();
    }

    private static boolean isWeChat(URI uri) {
        return uri.getPort() == RELAY.port() || uri.getPort() == SIMULATOR.port();
    }

    /** The management port serves probes and scrapes: a few threads, not a web site's pool (issue 14). */
    @Test
    void theManagementPortKeepsAFewThreads() {
        var tomcat = (TomcatWebServer) ((ServletWebServerApplicationContext) context).getWebServer();
        var pool = (ThreadPoolExecutor) tomcat.getTomcat().getConnector().getProtocolHandler().getExecutor();

        assertThat(pool.getMaximumPoolSize()).isEqualTo(8);
        assertThat(pool.getCorePoolSize()).isEqualTo(1);
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
