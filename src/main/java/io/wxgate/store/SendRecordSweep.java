package io.wxgate.store;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes send records past their retention, a minute after start and then every hour: a record lives at most an
 * hour longer than {@code wechat.send.record-retention}. Every instance of a cluster sweeps; a sweep removes only
 * what has lapsed, so two at once do no harm.
 */
public final class SendRecordSweep implements AutoCloseable {

    static final Duration FIRST = Duration.ofMinutes(1);
    static final Duration EVERY = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(SendRecordSweep.class);

    private final SendStore store;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "send-record-sweep");
        t.setDaemon(true);
        return t;
    });

    public SendRecordSweep(SendStore store) {
        this.store = store;
        timer.scheduleWithFixedDelay(this::sweep, FIRST.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            int removed = store.sweep();
            if (removed > 0) {
                LOG.info("Removed {} send records past their retention", removed);
            }
        } catch (RuntimeException e) {
            LOG.warn("Send record sweep failed, next in {}: {}", EVERY, e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
