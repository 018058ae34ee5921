package io.wxgate.config;

import java.util.List;
import java.util.stream.Stream;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The durable send queues, bound from {@code wechat.queue.*}: the embedded broker by default, RabbitMQ in
 * cluster mode. In both URIs {@code {api}} stands for template, custom or subscribe; in the consume URI
 * {@code {idle-consumers}} for {@code idleConsumers}, at most {@code consumers}.
 *
 * @param consumers     the most consumers of each send queue
 * @param idleConsumers the consumers each send queue keeps while it is empty (0: 4)
 */
@ConfigurationProperties("wechat.queue")
public record QueueProperties(int consumers, int idleConsumers, String produceUri, String consumeUri) {

    /** Every durable queue's name after its prefix: the send queues and the inbound forward queue. */
    public static final List<String> NAMES = Stream.concat(Stream.of(SendApi.values()).map(SendApi::queue),
            Stream.of("inbound")).toList();

    public QueueProperties {
        if (consumers < 1) {
            throw new IllegalArgumentException("wechat.queue.consumers must be positive");
        }
        if (idleConsumers < 0) {
            throw new IllegalArgumentException("wechat.queue.idle-consumers must not be negative");
        }
        idleConsumers = Math.min(idleConsumers == 0 ? 4 : idleConsumers, consumers);
        WeChatProperties.require(produceUri, "wechat.queue.produce-uri");
        WeChatProperties.require(consumeUri, "wechat.queue.consume-uri");
    }

    public String produceUri(SendApi api) {
        return produceUri(api.key());
    }

    /** For a route that picks the queue per message: {@code api} may be a simple expression of its key. */
    public String produceUri(String api) {
        return produceUri.replace("{api}", api);
    }

    public String consumeUri(SendApi api) {
        return consumeUri.replace("{api}", api.key()).replace("{idle-consumers}", Integer.toString(idleConsumers));
    }
}
