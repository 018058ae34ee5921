package io.wxgate.webapp;

import java.time.Clock;

import io.wxgate.account.Accounts;
import io.wxgate.config.ClusterProperties;
import io.wxgate.config.SendProperties;
import io.wxgate.store.RedisKeys;
import io.wxgate.token.AccessTokens;
import io.wxgate.token.CachedAccessTokenSource;
import io.wxgate.token.ForceRefreshBudget;
import io.wxgate.token.RedisAccessTokenSource;
import org.apache.camel.CamelContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The jsapi_tickets of every account (SPEC §8): one JVM's cache by default, Redis in cluster mode, refreshed with
 * the access_token's margin ({@code wechat.send.token.refresh-margin}). getticket has no force_refresh.
 */
@Configuration(proxyBeanMethods = false)
public class WebAppConfiguration {

    @Bean
    @Profile("!cluster")
    JsapiTickets jsapiTickets(Accounts accounts, CamelContext camel, AccessTokens tokens, SendProperties send,
            Clock clock) {
        // Not a bean of its own: a second TokenFetcher bean would leave the access_token's ambiguous.
        JsapiTicketFetcher fetcher = new JsapiTicketFetcher(camel.createProducerTemplate(), tokens);
        return new JsapiTickets(new AccessTokens(accounts, account -> new CachedAccessTokenSource(account, fetcher,
                send.token().refreshMargin(), new ForceRefreshBudget(clock, send.token().forceRefreshInterval(), 0),
                false, clock)));
    }

    /** One fetch per expiry for the whole cluster, under a lock, as for the access_token (SPEC §6). */
    @Bean
    @Profile("cluster")
    JsapiTickets clusterJsapiTickets(Accounts accounts, CamelContext camel, AccessTokens tokens,
            StringRedisTemplate redis, SendProperties send, ClusterProperties cluster, Clock clock) {
        JsapiTicketFetcher fetcher = new JsapiTicketFetcher(camel.createProducerTemplate(), tokens);
        return new JsapiTickets(new AccessTokens(accounts, account -> new RedisAccessTokenSource(redis,
                new RedisKeys(cluster.keyPrefix(), account.appId()), "jsapi-ticket", account, fetcher,
                send.token().refreshMargin(), cluster.tokenLockWait(), false, send.token().forceRefreshInterval(), 0,
                clock)));
    }
}
