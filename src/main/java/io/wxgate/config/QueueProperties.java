package io.wxgate.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The durable send queues, bound from {@code wechat.queue.*}: the embedded broker by default, RabbitMQ in
 * cluster mode. In both URIs {@code {api}} stands for template, custom or subscribe.
 */
@ConfigurationProperties("wechat.queue")
public record QueueProperties(int consumers, String produceUri, String consumeUri) {

    public QueueProperties {
        if (consumers < 1) {
            throw new IllegalArgumentException("wechat.queue.consumers must be positive");
        }
        WeChatProperties.require(produceUri, "wechat.queue.produce-uri");
        WeChatProperties.require(consumeUri, "wechat.queue.consume-uri");
    }

    public String produceUri(String api) {
        return produceUri.replace("{api}", api);
    }

    public String consumeUri(String api) {
        return consumeUri.replace("{api}", api);
    }
}
