package io.wxgate.account;

import java.nio.file.Path;

import io.wxgate.config.GatewayProperties;
import io.wxgate.config.WeChatProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** The accounts registry, made at start so that a bad accounts file stops start-up (SPEC §1, §7). */
@Configuration(proxyBeanMethods = false)
public class AccountsConfiguration {

    @Bean(initMethod = "start", destroyMethod = "close")
    @Lazy(false)
    Accounts accounts(WeChatProperties wechat, GatewayProperties gateway, AccountsProperties settings) {
        Account defaultAccount = new Account(wechat.appId(), wechat.appSecret(), wechat.token(),
                wechat.encodingAesKey(), wechat.previousEncodingAesKey(), wechat.callback().requireEncryption(), "");
        return new Accounts(defaultAccount, Path.of(settings.file()), settings.pollInterval(), gateway.apiKey());
    }
}
