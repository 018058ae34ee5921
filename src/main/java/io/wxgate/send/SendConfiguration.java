package io.wxgate.send;

import java.nio.file.Path;
import java.time.Clock;

import io.wxgate.account.Accounts;
import io.wxgate.config.GatewayProperties;
import io.wxgate.config.SendProperties;
import io.wxgate.store.SendRecordSweep;
import io.wxgate.store.SendStore;
import io.wxgate.store.SqliteSendStore;
import io.wxgate.config.WeChatProperties;
import io.wxgate.ops.GatewayMetrics;
import io.wxgate.token.AccessToken;
import io.wxgate.token.AccessTokens;
import io.wxgate.token.CachedAccessTokenSource;
import io.wxgate.token.ForceRefreshBudget;
import io.wxgate.token.TokenFetcher;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Profile;

@Configuration(proxyBeanMethods = false)
public class SendConfiguration {

    @Bean
    ErrcodeTable errcodeTable(SendProperties send) {
        return new ErrcodeTable(send.errcodes());
    }

    @Bean
    WeChatAnswers weChatAnswers(ErrcodeTable table, GatewayMetrics metrics) {
        return new WeChatAnswers(table, metrics);
    }

    /** The gateway's own WeChat calls outside the send queues (menus, media uploads). */
    @Bean
    WeChatCalls weChatCalls(AccessTokens tokens, ProducerTemplate producer, SendProperties send) {
        return new WeChatCalls(tokens, producer, send);
    }

    @Bean
    @Profile("!cluster")
    SendStore sendStore(GatewayProperties gateway, WeChatProperties wechat, SendProperties send, Clock clock) {
        SqliteSendStore store = new SqliteSendStore(Path.of(gateway.dataDir()), wechat.appId(), send.recordRetention(),
                clock);
        // The store before this one kept a JSON file per send under sends/: its records move in once.
        store.importFiles(Path.of(gateway.dataDir(), "sends"));
        return store;
    }

    @Bean
    @Profile("!cluster")
    ThrottleBuckets throttleBuckets() {
        return ThrottleBuckets.local();
    }

    /** Made at start although nothing asks for it (lazy initialisation is on): it sweeps on a timer of its own. */
    @Bean
    @Lazy(false)
    SendRecordSweep sendRecordSweep(SendStore store) {
        return new SendRecordSweep(store);
    }

    @Bean
    SendIntake sendIntake(SendStore store, Clock clock) {
        return new SendIntake(store, clock);
    }

    @Bean
    DeliveryReports deliveryReports(SendStore store, Accounts accounts, Clock clock) {
        return new DeliveryReports(store, accounts, clock);
    }

    @Bean
    TokenFetcher tokenFetcher(CamelContext camel, GatewayMetrics metrics) {
        ProducerTemplate producer = camel.createProducerTemplate();
        return (account, force) -> {
            metrics.tokenFetch(account.appId(), force);
            try {
                return producer.requestBodyAndHeader(SendRoutes.TOKEN_FETCH, force, SendRoutes.TOKEN_ACCOUNT, account,
                        AccessToken.class);
            } catch (CamelExecutionException e) {
                // Callers match errcode exceptions by type; Camel's wrapper would hide them.
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        };
    }

    @Bean
    @Profile("!cluster")
    AccessTokens accessTokens(Accounts accounts, SendProperties send, TokenFetcher fetcher, Clock clock) {
        SendProperties.Token token = send.token();
        // Each account its own cache and force_refresh budget: WeChat counts force_refresh per AppId.
        return new AccessTokens(accounts, account -> new CachedAccessTokenSource(account, fetcher,
                token.refreshMargin(), new ForceRefreshBudget(clock, token.forceRefreshInterval(),
                token.forceRefreshPerDay()), "stable_token".equals(token.endpoint()), clock));
    }
}
