package io.wxgate.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Cluster mode (SPEC §6), bound from {@code wechat.cluster.*}.
 *
 * @param keyPrefix      Redis keys are {@code <keyPrefix><appId>:…}
 * @param exchange       the RabbitMQ exchange the queues are bound to
 * @param queuePrefix    RabbitMQ queue names are {@code <queuePrefix>send.template} etc. and {@code <queuePrefix>inbound}
 * @param tokenLockWait  how long an instance waits for another's access_token fetch before backing off
 * @param sendRecordTtl  no longer read: {@code wechat.send.record-retention} applies to both stores; a start-up that
 *                       still sets it fails rather than keep records for another time than the operator meant
 */
@ConfigurationProperties("wechat.cluster")
public record ClusterProperties(String keyPrefix, String exchange, String queuePrefix, Duration tokenLockWait,
        Duration sendRecordTtl) {

    public ClusterProperties {
        keyPrefix = keyPrefix == null ? "wxgate:" : keyPrefix;
        exchange = exchange == null || exchange.isBlank() ? "wechat" : exchange;
        queuePrefix = queuePrefix == null ? "wechat." : queuePrefix;
        tokenLockWait = tokenLockWait == null ? Duration.ofSeconds(3) : tokenLockWait;
        if (sendRecordTtl != null) {
            throw new IllegalArgumentException("wechat.cluster.send-record-ttl is now wechat.send.record-retention "
                    + "(it applies to the embedded store too): set that instead");
        }
    }
}
