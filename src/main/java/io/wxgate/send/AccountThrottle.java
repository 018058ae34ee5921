package io.wxgate.send;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The throttle of one send API, per account (SPEC §6, §7): at most {@code rate} calls to WeChat in each one-second
 * window of an account, as Camel's throttle in total-requests mode counts them; a caller over the rate waits on its
 * own (consumer) thread for the next window, as it does there.
 *
 * <p>Why not Camel's throttle with a {@code correlationExpression} on the account: measured at about 350 µs of
 * gateway CPU per durable send (2,445 against 2,089 µs in {@code bench/run.sh --only=outbound}, 714 against 838
 * sends/s, 2026-11-25): a sixth of a send. Here a send costs one map look-up and one short lock.
 */
final class AccountThrottle implements Processor {

    private static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** One account's current window: when it opened and how many calls it let through. */
    private static final class Window {
        private boolean open;
        private long openedAt;
        private int used;
    }

    private final int rate;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    AccountThrottle(int rate) {
        if (rate < 1) {
            throw new IllegalArgumentException("a throttle rate must be at least 1 per second");
        }
        this.rate = rate;
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        acquire(exchange.getVariable(SendRoutes.APP_ID, String.class));
    }

    void acquire(String appId) throws InterruptedException {
        Window window = windows.computeIfAbsent(appId, key -> new Window());
        while (true) {
            long waitNanos;
            synchronized (window) {
                long now = System.nanoTime();
                if (!window.open || now - window.openedAt >= PERIOD_NANOS) {
                    window.open = true;
                    window.openedAt = now;
                    window.used = 0;
                }
                if (window.used < rate) {
                    window.used++;
                    return;
                }
                waitNanos = window.openedAt + PERIOD_NANOS - now;
            }
            TimeUnit.NANOSECONDS.sleep(Math.max(waitNanos, 1));
        }
    }
}
