package io.wxgate.media;

import java.time.Clock;

import io.wxgate.account.Accounts;
import io.wxgate.message.ImageUploads;
import io.wxgate.send.WeChatCalls;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class MediaConfiguration {

    @Bean
    ImageUploads replyImages(Accounts accounts, WeChatCalls calls, ReplyImageProperties settings, Clock clock) {
        return new ReplyImages(accounts, calls, settings, clock);
    }
}
