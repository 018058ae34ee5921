package io.wxgate.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * WeChat honours {@code force_refresh} on stable_token at most 20 times a day and 30 s apart, and silently
 * ignores the rest (wechat-protocol.md §6). Spending it only when it can work keeps the daily budget for when
 * it is needed.
 */
public final class ForceRefreshBudget {

    // WeChat counts days in China Standard Time.
    private static final ZoneId WECHAT_DAY = ZoneId.of("Asia/Shanghai");

    private final Clock clock;
    private final Duration interval;
    private final int perDay;
    private Instant last = Instant.EPOCH;
    private LocalDate day;
    private int usedToday;

    public ForceRefreshBudget(Clock clock, Duration interval, int perDay) {
        this.clock = clock;
        this.interval = interval;
        this.perDay = perDay;
    }

    public synchronized boolean tryTake() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, WECHAT_DAY);
        if (!today.equals(day)) {
            day = today;
            usedToday = 0;
        }
        if (usedToday >= perDay || Duration.between(last, now).compareTo(interval) < 0) {
            return false;
        }
        usedToday++;
        last = now;
        return true;
    }
}
