package io.wxgate.menu;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Menu as code (SPEC §8), bound from {@code wechat.menu.*}.
 *
 * @param file         the default account's menu file (WECHAT_MENU_FILE); absent = its menu is left alone
 * @param pollInterval how often every menu file is checked for a change
 */
@ConfigurationProperties("wechat.menu")
public record MenuProperties(String file, Duration pollInterval) {

    public MenuProperties {
        file = file == null ? "" : file.trim();
        pollInterval = pollInterval == null ? Duration.ofSeconds(5) : pollInterval;
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("wechat.menu.poll-interval must be positive");
        }
    }
}
