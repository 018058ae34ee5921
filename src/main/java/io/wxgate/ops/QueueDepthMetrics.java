package io.wxgate.ops;

import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import io.wxgate.config.ClusterProperties;
import io.wxgate.config.QueueProperties;

/** {@code wxgate.queue.depth{queue}}: messages waiting in each send queue and the inbound forward queue. */
@Configuration(proxyBeanMethods = false)
public class QueueDepthMetrics {

    @Bean
    @Profile("!cluster")
    MeterBinder embeddedQueueDepth(ObjectProvider<EmbeddedActiveMQ> broker) {
        return registry -> register(registry, "wechat.", name -> {
            EmbeddedActiveMQ embedded = broker.getIfAvailable();
            Queue queue = embedded == null || embedded.getActiveMQServer() == null ? null
                    : embedded.getActiveMQServer().locateQueue(name);
            return queue == null ? 0 : queue.getMessageCount();
        });
    }

    @Bean
    @Profile("cluster")
    MeterBinder rabbitQueueDepth(ConnectionFactory rabbit, ClusterProperties cluster) {
        RabbitAdmin admin = new RabbitAdmin(rabbit);
        return registry -> register(registry, cluster.queuePrefix(), name -> {
            QueueInformation info = admin.getQueueInfo(name);
            return info == null ? 0 : info.getMessageCount();
        });
    }

    private static void register(MeterRegistry registry, String prefix, ToLongFunction<String> depth) {
        for (String queue : QueueProperties.NAMES) {
            String name = prefix + queue;
            Gauge.builder("wxgate.queue.depth", () -> {
                try {
                    return depth.applyAsLong(name);
                } catch (RuntimeException e) {
                    return Double.NaN;
                }
            }).tag("queue", name).description("messages waiting in the queue").register(registry);
        }
    }
}
