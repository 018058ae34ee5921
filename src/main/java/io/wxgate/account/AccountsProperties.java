package io.wxgate.account;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where further official accounts come from (SPEC §7), bound from {@code wechat.accounts.*}.
 *
 * @param file         the accounts file, {@code WECHAT_ACCOUNTS_FILE}; absent = no further accounts
 * @param pollInterval how often it is checked for a change; a change is applied after it held still for one more
 *                     check, so within two intervals (SPEC §7 allows 10 s)
 */
@ConfigurationProperties("wechat.accounts")
public record AccountsProperties(String file, Duration pollInterval) {

    public AccountsProperties {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("wechat.accounts.file (WECHAT_ACCOUNTS_FILE) must name a file "
                    + "(it need not exist: an absent file means no further accounts)");
        }
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()
                || pollInterval.compareTo(Duration.ofSeconds(5)) > 0) {
            throw new IllegalArgumentException("wechat.accounts.poll-interval must be positive and at most 5s "
                    + "(a change must apply within 10 s)");
        }
    }
}
