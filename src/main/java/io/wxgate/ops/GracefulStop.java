package io.wxgate.ops;

import java.time.Duration;

import io.wxgate.config.GatewayProperties;
import io.wxgate.config.WeChatProperties;
import io.wxgate.http.Drain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What SIGTERM does (README "Stopping"), in this order:
 * <ol>
 * <li>readiness goes down ({@code /actuator/health/readiness} answers 503), while everything still serves;</li>
 * <li>for {@code gateway.shutdown.grace} (2 s) new connections are still accepted and answered, each answer closing
 * its connection, so that load balancers polling readiness stop sending before connections are refused;</li>
 * <li>the HTTP port closes: new connections are refused, requests already received are answered, callbacks by their
 * deadline at the latest;</li>
 * <li>the application context closes: the management port, then Camel, whose send consumers finish their sends within
 * {@code camel.main.shutdown-timeout} (3 s) or leave them uncommitted on the queue for redelivery, then the broker.</li>
 * </ol>
 * A watchdog ends the process at grace + deadline + 1.5 s (8 s by default, within the deadline + 5 s that issue 14
 * allows) whatever still runs: what it cuts short is as safe as a crash, which loses nothing acknowledged.
 *
 * <p>Spring's own shutdown hook is replaced by this one ({@link #install}), so only the gateway's process drains:
 * a test's application context closes at once.
 */
public final class GracefulStop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);
    /** Beyond the drain: closing the context (Camel's shutdown timeout is 3 s, most of it unused). */
    static final Duration CLOSING = Duration.ofMillis(1500);

    private final ConfigurableApplicationContext context;

    private GracefulStop(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Before {@code application.run}: the hook that drains instead of Spring's, which would close at once. */
    public static void beforeRun(SpringApplication application) {
        application.setRegisterShutdownHook(false);
    }

    /** After {@code application.run}: SIGTERM (and any other JVM exit) drains and closes {@code context}. */
    public static void install(ConfigurableApplicationContext context) {
        Runtime.getRuntime().addShutdownHook(new Thread(new GracefulStop(context), "wxgate-stop"));
    }

    @Override
    public void run() {
        if (!context.isActive()) {
            return;
        }
        Duration grace = context.getBean(GatewayProperties.class).shutdown().grace();
        Duration deadline = context.getBean(WeChatProperties.class).callback().deadline();
        Drain drain = context.getBean(Drain.class);
        Duration limit = grace.plus(deadline).plus(CLOSING);
        startWatchdog(limit);
        long start = System.nanoTime();
        LOG.info("Stopping: readiness down; new connections accepted for {} ms more, then refused; every request "
                + "received is answered; the process ends within {} ms", grace.toMillis(), limit.toMillis());
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        drain.begin();
        try {
            Thread.sleep(grace.toMillis());
            drain.refuseNewConnections();
            boolean idle = drain.awaitIdle(deadline);
            LOG.info("HTTP port closed {} ms after the stop began; {}", (System.nanoTime() - start) / 1_000_000,
                    idle ? "every request received was answered" : drain.inFlight()
                            + " requests still unanswered, or connections still open");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.close();
        LOG.info("Stopped {} ms after SIGTERM", (System.nanoTime() - start) / 1_000_000);
    }

    private static void startWatchdog(Duration limit) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(limit.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            LOG.error("Still stopping {} ms after SIGTERM: ending the process now; unfinished sends stay on their "
                    + "queues for redelivery", limit.toMillis());
            Runtime.getRuntime().halt(1);
        }, "wxgate-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
