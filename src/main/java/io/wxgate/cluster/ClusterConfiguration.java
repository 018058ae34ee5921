package io.wxgate.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.wxgate.account.Accounts;
import io.wxgate.callback.SharedDeadLetters;
import io.wxgate.config.ClusterProperties;
import io.wxgate.config.QueueProperties;
import io.wxgate.config.SendProperties;
import io.wxgate.config.WeChatProperties;
import io.wxgate.ops.AlertStore;
import io.wxgate.send.ThrottleBuckets;
import io.wxgate.store.FirstReplyStore;
import io.wxgate.store.NonceRegistry;
import io.wxgate.store.RedisAlertStore;
import io.wxgate.store.RedisDeadLetters;
import io.wxgate.store.RedisFirstReplyStore;
import io.wxgate.store.RedisIdempotentRepository;
import io.wxgate.store.RedisKeys;
import io.wxgate.store.RedisNonceRegistry;
import io.wxgate.store.RedisSendStore;
import io.wxgate.store.SendStore;
import io.wxgate.token.AccessTokens;
import io.wxgate.token.RedisAccessTokenSource;
import io.wxgate.token.TokenFetcher;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Cluster mode (SPEC §6): every store an instance would keep to itself lives in Redis instead, and the queues
 * are RabbitMQ's, so any number of instances behind a load balancer behave as one.
 */
@Configuration(proxyBeanMethods = false)
@Profile("cluster")
public class ClusterConfiguration {

    private static final Duration SETTLEMENT_MARGIN = Duration.ofSeconds(1);

    @Bean
    RedisKeys redisKeys(ClusterProperties cluster, WeChatProperties wechat) {
        return new RedisKeys(cluster.keyPrefix(), wechat.appId());
    }

    @Bean
    RedisIdempotentRepository wechatDedupeRepository(StringRedisTemplate redis, RedisKeys keys,
            WeChatProperties wechat) {
        return new RedisIdempotentRepository(redis, keys, claimLease(wechat.callback()));
    }

    @Bean
    FirstReplyStore firstReplyStore(StringRedisTemplate redis, RedisKeys keys, WeChatProperties wechat,
            RedisIdempotentRepository wechatDedupeRepository) {
        return new RedisFirstReplyStore(redis, keys, wechat.callback().dedupeWindow(), wechatDedupeRepository);
    }

    /**
     * How long a delivery's claim holds until its first reply is settled. The claiming instance settles at the
     * callback deadline at the latest; the margin covers a late timer, a collection pause and the Redis round
     * trip. Kept short because a dead instance's claim is taken over only once it lapses: WeChat retries after
     * waiting 5 s, and that retry must still have time to run the routes before its own deadline.
     */
    static Duration claimLease(WeChatProperties.Callback callback) {
        return callback.deadline().plus(SETTLEMENT_MARGIN);
    }

    @Bean
    NonceRegistry nonceRegistry(StringRedisTemplate redis, RedisKeys keys, WeChatProperties wechat) {
        return new RedisNonceRegistry(redis, keys, wechat.callback().timestampWindow().multipliedBy(2));
    }

    @Bean
    SendStore sendStore(StringRedisTemplate redis, RedisKeys keys, SendProperties send, Clock clock) {
        return new RedisSendStore(redis, keys, send.recordRetention(), clock);
    }

    /** Every instance lists and replays the same inbound dead letters, and none leaves with its instance. */
    @Bean
    SharedDeadLetters sharedDeadLetters(StringRedisTemplate redis, ClusterProperties cluster) {
        return new RedisDeadLetters(redis, cluster.keyPrefix());
    }

    /** Every instance lists, shows in health and clears the same operator alerts. */
    @Bean
    AlertStore alertStore(StringRedisTemplate redis, ClusterProperties cluster) {
        return new RedisAlertStore(redis, cluster.keyPrefix());
    }

    /** Every instance takes its send tokens from the same bucket per account and API (SPEC §6). */
    @Bean
    ThrottleBuckets throttleBuckets(LettuceConnectionFactory redis, ClusterProperties cluster) {
        return new RedisThrottleBuckets(redis.getRequiredNativeClient(), cluster.keyPrefix());
    }

    /** Each account's token under its own keys, with its own lock and force_refresh budget (SPEC §7). */
    @Bean
    AccessTokens accessTokens(Accounts accounts, StringRedisTemplate redis, TokenFetcher fetcher, SendProperties send,
            ClusterProperties cluster, Clock clock) {
        SendProperties.Token token = send.token();
        return new AccessTokens(accounts, account -> new RedisAccessTokenSource(redis,
                new RedisKeys(cluster.keyPrefix(), account.appId()), account, fetcher, token.refreshMargin(),
                cluster.tokenLockWait(), "stable_token".equals(token.endpoint()), token.forceRefreshInterval(),
                token.forceRefreshPerDay(), clock));
    }

    /**
     * The exchange, the durable queues bound to it, and for each a dead-letter queue that receives what a
     * consumer rejects. Declared by Spring AMQP on the first connection, identically by every instance.
     */
    @Bean
    Declarables rabbitTopology(ClusterProperties cluster) {
        List<Declarable> all = new ArrayList<>();
        DirectExchange exchange = new DirectExchange(cluster.exchange(), true, false);
        DirectExchange deadLetters = new DirectExchange(cluster.exchange() + ".dlx", true, false);
        all.add(exchange);
        all.add(deadLetters);
        for (String name : QueueProperties.NAMES) {
            String queueName = cluster.queuePrefix() + name;
            Queue queue = new Queue(queueName, true, false, false, Map.of(
                    "x-dead-letter-exchange", deadLetters.getName(),
                    "x-dead-letter-routing-key", queueName + ".dlq"));
            Queue dlq = new Queue(queueName + ".dlq", true);
            Binding binding = BindingBuilder.bind(queue).to(exchange).with(queueName);
            Binding dlqBinding = BindingBuilder.bind(dlq).to(deadLetters).with(queueName + ".dlq");
            all.add(queue);
            all.add(dlq);
            all.add(binding);
            all.add(dlqBinding);
        }
        return new Declarables(all);
    }
}
