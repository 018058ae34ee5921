package io.wxgate.send;

import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/**
 * The embedded broker of the default set-up holds the send queues and the inbound forward queue. When nobody
 * consumes {@code wechat.inbound} (an enterprise consumer that is down), the queue must not grow in the heap:
 * past a bound per address its messages page to disk, where they stay durable and are delivered in order later.
 */
@Configuration(proxyBeanMethods = false)
@Profile("!cluster")
class EmbeddedBrokerSettings {

    /** Per queue held in memory before paging; 4 of them stay well inside the default heap. */
    static final long IN_MEMORY_BYTES_PER_QUEUE = 32L * 1024 * 1024;

    @Bean
    ArtemisConfigurationCustomizer pageWhenNobodyConsumes() {
        return configuration -> {
            configuration.addAddressSetting("wechat.#", new AddressSettings()
                    .setMaxSizeBytes(IN_MEMORY_BYTES_PER_QUEUE)
                    .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE));
            // The gateway reads queue depths through the server API (QueueDepthMetrics); JMX only slows start-up.
            configuration.setJMXManagementEnabled(false);
        };
    }
}
