package io.wxgate.check;

import java.nio.file.Path;
import java.time.Clock;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wxgate.account.Accounts;
import io.wxgate.account.AccountsConfiguration;
import io.wxgate.account.AccountsProperties;
import io.wxgate.callback.InboundDeadLetters;
import io.wxgate.callback.InboundRoutes;
import io.wxgate.config.GatewayProperties;
import io.wxgate.config.SendApi;
import io.wxgate.config.SendProperties;
import io.wxgate.config.WeChatProperties;
import io.wxgate.message.WeChatMessageConversions;
import io.wxgate.ops.GatewayMetrics;
import io.wxgate.send.DeliveryReports;
import io.wxgate.store.SqliteSendStore;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.ComponentResolver;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.PluginHelper;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * What a route check starts of the gateway: its settings and accounts, Camel as camel-spring-boot configures it from
 * {@code application.yaml}, and the inbound route that hands a message to the integrators' routes and turns their
 * reply headers into the passive reply. Nothing else: no Jetty, no management server, no broker, no store, no
 * WeChat API; every endpoint that would leave the gateway records what it is given instead ({@link OffGatewayEndpoints}).
 *
 * <p>Deliberately not a {@code @Configuration}: the gateway's component scan covers this package, and must not
 * pick it up. {@link RouteCheck} hands it to its own {@code SpringApplication}.
 */
@ImportAutoConfiguration(CamelAutoConfiguration.class)
@EnableConfigurationProperties({WeChatProperties.class, GatewayProperties.class, AccountsProperties.class,
        SendProperties.class})
@Import(AccountsConfiguration.class)
class CheckContext {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    SentOut sentOut() {
        return new SentOut();
    }

    @Bean
    GatewayMetrics gatewayMetrics(Accounts accounts) {
        return new GatewayMetrics(new SimpleMeterRegistry(), accounts);
    }

    @Bean
    InboundDeadLetters inboundDeadLetters(WeChatProperties settings, Clock clock) {
        return new InboundDeadLetters(Path.of(settings.inbound().deadLetterDir()), clock, settings.appId(), null);
    }

    /** The gateway's own inbound route, unchanged: the same headers in, the same passive reply out. */
    @Bean
    InboundRoutes inboundRoutes(GatewayMetrics metrics, WeChatProperties settings, Clock clock,
            InboundDeadLetters deadLetters) {
        // An image reply by URL is not uploaded in a check: its media_id names the URL, for an example to expect.
        return new InboundRoutes(metrics, settings, clock, deadLetters, (appId, url) -> "media-of:" + url);
    }

    /** The inbound route reports TEMPLATESENDJOBFINISH here; in a check, to a store of the scratch folder. */
    @Bean
    DeliveryReports deliveryReports(GatewayProperties gateway, WeChatProperties settings, SendProperties send,
            Accounts accounts, Clock clock) {
        return new DeliveryReports(new SqliteSendStore(Path.of(gateway.dataDir()), settings.appId(),
                send.recordRetention(), clock), accounts, clock);
    }

    /**
     * The gateway's in-JVM send endpoints (SPEC §4), which a route may call: recorded, and answered as WeChat answers
     * an accepted send.
     */
    @Bean
    RouteBuilder sendStandIns(SentOut sentOut) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                for (SendApi api : SendApi.values()) {
                    from(api.endpoint()).routeId("route-check-" + api.key())
                            .process(e -> sentOut.record(api.endpoint(), e))
                            .setBody(constant("{\"errcode\":0,\"errmsg\":\"ok\"}"));
                }
            }
        };
    }

    @Bean
    CamelContextConfiguration checkMode(SentOut sentOut) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                // As the gateway does (CallbackConfiguration): the message becomes its JSON wherever text is needed.
                WeChatMessageConversions.register(camel.getTypeConverterRegistry());
                ComponentResolver camelsOwn = PluginHelper.getComponentResolver(camel);
                camel.getCamelContextExtension().addContextPlugin(ComponentResolver.class,
                        new OffGatewayEndpoints(camelsOwn, sentOut));
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                // nothing to do once started
            }
        };
    }
}
