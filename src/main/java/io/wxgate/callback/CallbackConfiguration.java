package io.wxgate.callback;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;

import io.wxgate.account.Accounts;
import io.wxgate.config.GatewayProperties;
import io.wxgate.config.WeChatProperties;
import io.wxgate.http.Drain;
import io.wxgate.message.WeChatMessageConversions;
import io.wxgate.message.WeChatXml;
import io.wxgate.ops.GatewayMetrics;
import io.wxgate.store.FirstReplyStore;
import io.wxgate.store.LocalDedupeWindow;
import io.wxgate.store.LocalNonceRegistry;
import io.wxgate.store.NonceRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/** The callback's parts. Stores default to this JVM; cluster mode (ClusterConfiguration) shares them in Redis. */
@Configuration(proxyBeanMethods = false)
public class CallbackConfiguration {

    /** Routes may hand the message to any endpoint: it becomes its JSON where text, bytes or a stream is needed. */
    @Bean
    CamelContextConfiguration wechatMessageConversions() {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                WeChatMessageConversions.register(camel.getTypeConverterRegistry());
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                // nothing to do once started
            }
        };
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    WeChatXml weChatXml() {
        return new WeChatXml();
    }

    /** The idempotent consumer's repository and the first replies: one entry per delivery for both. */
    @Bean
    @Profile("!cluster")
    LocalDedupeWindow wechatDedupeRepository(WeChatProperties settings) {
        return new LocalDedupeWindow(settings.callback().dedupeWindow());
    }

    @Bean
    @Profile("!cluster")
    NonceRegistry nonceRegistry(WeChatProperties settings) {
        return new LocalNonceRegistry(settings.callback().timestampWindow().multipliedBy(2));
    }

    @Bean
    CallbackVerifier callbackVerifier(WeChatProperties settings, WeChatXml xml, NonceRegistry nonces, Clock clock,
            Accounts accounts) {
        CallbackVerifier verifier = new CallbackVerifier(settings, xml, nonces, clock);
        accounts.onChange(snapshot -> verifier.retainOnly(snapshot.byAppId().keySet()));
        return verifier;
    }

    /** Started and stopped by the Jetty server it joins (CallbackRoutes), not by Spring. */
    @Bean(destroyMethod = "")
    CallbackFrontDoor wechatCallbackFrontDoor(CamelContext camel, GatewayProperties gateway, WeChatProperties settings,
            Accounts accounts, GatewayMetrics metrics, Drain drain) {
        return new CallbackFrontDoor(camel, gateway.httpPort(), settings.callback().path(), accounts,
                settings.callback().maxBodySize().toBytes(), metrics, drain);
    }

    /** The HTTP port's requests in flight, for a stop (ops.GracefulStop). */
    @Bean
    Drain drain() {
        return new Drain();
    }

    @Bean
    InboundDeadLetters inboundDeadLetters(WeChatProperties settings, Clock clock,
            ObjectProvider<SharedDeadLetters> cluster) {
        return new InboundDeadLetters(Path.of(settings.inbound().deadLetterDir()), clock, settings.appId(),
                cluster.getIfAvailable());
    }

    @Bean
    InboundDispatcher inboundDispatcher(WeChatProperties settings, FirstReplyStore replies, CamelContext camel,
            GatewayMetrics metrics) {
        ProducerTemplate producer = camel.createProducerTemplate();
        ExecutorService workers = camel.getExecutorServiceManager().newThreadPool(this, "wechat-inbound",
                new ThreadPoolProfileBuilder("wechat-inbound")
                        .poolSize(settings.inbound().threads())
                        .maxPoolSize(settings.inbound().threads())
                        .maxQueueSize(settings.inbound().queueSize())
                        .rejectedPolicy(ThreadPoolRejectedPolicy.Abort)
                        .build());
        return new InboundDispatcher(replies, producer, workers, settings.callback().deadline(), metrics);
    }
}
