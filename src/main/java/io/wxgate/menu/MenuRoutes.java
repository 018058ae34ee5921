package io.wxgate.menu;

import io.wxgate.account.Accounts;
import io.wxgate.send.WeChatCalls;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Menu as code (SPEC §8): every menu file checked once the routes run, then every {@code wechat.menu.poll-interval}. */
@Configuration(proxyBeanMethods = false)
public class MenuRoutes {

    @Bean
    MenuPublisher menuPublisher(Accounts accounts, WeChatCalls calls, MenuProperties menu) {
        return new MenuPublisher(accounts, calls, menu);
    }

    @Bean
    RouteBuilder menuRoute(MenuPublisher publisher) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // A second after start: the WeChat call routes it uses are running by then.
                from("timer:wechat-menu?delay=1000&period={{wechat.menu.poll-interval}}").routeId("wechat-menu")
                        .bean(publisher, "publishChanged");
            }
        };
    }
}
