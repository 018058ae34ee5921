package io.wxgate.send;

import java.util.Map;

import io.wxgate.config.GatewayProperties;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * The embedded broker of the default set-up holds the send queues and the inbound forward queue. When nobody
 * consumes {@code wechat.inbound} (an enterprise consumer that is down), the queue must not grow in the heap:
 * past a bound per address its messages page to disk, where they stay durable and are delivered in order later.
 * With {@code gateway.broker.listen} other systems reach those queues over TCP, logged in (BrokerAccess).
 */
@Configuration(proxyBeanMethods = false)
@Profile("!cluster")
class EmbeddedBrokerSettings {

    /** Per queue held in memory before paging; 4 of them stay well inside the default heap. */
    static final long IN_MEMORY_BYTES_PER_QUEUE = 32L * 1024 * 1024;

    static final int JOURNAL_BUFFER_TIMEOUT_NANOS = 500_000;

    @Bean
    ArtemisConfigurationCustomizer listenForOtherSystems(GatewayProperties gateway) {
        return configuration -> {
            GatewayProperties.Broker broker = gateway.broker();
            if (broker.listening()) {
                int colon = broker.listen().lastIndexOf(':');
                String host = broker.listen().substring(0, colon).replace("[", "").replace("]", "");
                configuration.addAcceptorConfiguration(new TransportConfiguration(NettyAcceptorFactory.class.getName(),
                        Map.of(TransportConstants.HOST_PROP_NAME, host,
                                TransportConstants.PORT_PROP_NAME, broker.listen().substring(colon + 1),
                                TransportConstants.PROTOCOLS_PROP_NAME, "CORE"), "other-systems"));
                configuration.setSecurityEnabled(true);
            }
        };
    }

    /**
     * The broker's log-in and rights once it listens (Spring Boot's embedded broker has security off), and the
     * gateway's own log-in on its connection factory (BrokerAccess). One instance serves both beans.
     */
    @Bean
    static BeanPostProcessor brokerAccess(ObjectProvider<GatewayProperties> gateway) {
        return new BeanPostProcessor() {
            private BrokerAccess access;

            private synchronized BrokerAccess access() {
                GatewayProperties.Broker broker = gateway.getObject().broker();
                if (access == null && broker.listening()) {
                    access = new BrokerAccess(broker.user(), broker.password());
                }
                return access;
            }

            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                Object target = unwrapped(bean);
                if (target instanceof EmbeddedActiveMQ server && access() != null) {
                    server.setSecurityManager(access());
                } else if (target instanceof ActiveMQConnectionFactory factory && access() != null) {
                    factory.setUser(BrokerAccess.GATEWAY_USER);
                    factory.setPassword(access().gatewayPassword());
                }
                return bean;
            }
        };
    }

    @Bean
    ArtemisConfigurationCustomizer pageWhenNobodyConsumes() {
        return configuration -> {
            configuration.addAddressSetting("wechat.#", new AddressSettings()
                    .setMaxSizeBytes(IN_MEMORY_BYTES_PER_QUEUE)
                    .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE));
            // A forward waits for its journal write before the callback is answered; Artemis syncs the journal
            // in batches and by default waits up to 3.3 ms (NIO) to fill one, which bounds 32 concurrent callbacks
            // to about 5,000/s. Half a millisecond still batches dozens of messages per sync.
            configuration.setJournalBufferTimeout_NIO(JOURNAL_BUFFER_TIMEOUT_NANOS);
            configuration.setJournalBufferTimeout_AIO(JOURNAL_BUFFER_TIMEOUT_NANOS);
            // The same for a queue that pages (nobody consuming): its page file is synced on the same schedule.
            configuration.setPageSyncTimeout(JOURNAL_BUFFER_TIMEOUT_NANOS);
            // The gateway reads queue depths through the server API (QueueDepthMetrics); JMX only slows start-up.
            configuration.setJMXManagementEnabled(false);
        };
    }

    /**
     * Without this every JMS send first asks the broker whether its queue exists (a blocking round trip through
     * the broker's executor), which doubled the forward's latency and broker CPU per callback. The sessions are
     * kept by Spring's session cache, so each resolves a queue once.
     */
    @Bean
    static BeanPostProcessor cacheQueueLookups() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (unwrapped(bean) instanceof ActiveMQConnectionFactory artemis) {
                    artemis.setCacheDestinations(true);
                }
                return bean;
            }
        };
    }

    /** Artemis's connection factory behind Spring's session cache, or the bean itself. */
    private static Object unwrapped(Object bean) {
        return bean instanceof CachingConnectionFactory caching ? caching.getTargetConnectionFactory() : bean;
    }
}
