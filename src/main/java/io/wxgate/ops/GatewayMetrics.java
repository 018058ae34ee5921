package io.wxgate.ops;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's own metrics, named for what an operator asks: how many callbacks of which kind, how many were
 * WeChat's retries, how often the deadline was hit, how fast answers leave, why tokens were fetched, what WeChat
 * answered to sends, how many dead letters. Exposed at /actuator/prometheus on the management port.
 */
public final class GatewayMetrics {

    private final MeterRegistry registry;
    private final Counter duplicates;
    private final Counter deadlineHits;
    private final Timer answerLatency;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.duplicates = Counter.builder("wxgate.callback.duplicates")
                .description("WeChat retries answered with the first delivery's reply, not processed again")
                .register(registry);
        this.deadlineHits = Counter.builder("wxgate.callback.deadline.hits")
                .description("callbacks answered 'success' at the deadline while their routes were still working")
                .register(registry);
        this.answerLatency = Timer.builder("wxgate.callback.answer.latency")
                .description("time from a callback's arrival to its answer")
                .publishPercentiles(0.5, 0.99).register(registry);
    }

    /** A new message handed to the routes, by type and event. */
    public void callback(String msgType, String event) {
        registry.counter("wxgate.callbacks", "msg_type", orNone(msgType), "event", orNone(event)).increment();
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void deadlineHit() {
        deadlineHits.increment();
    }

    /** Every callback answer, refused or not, by HTTP status. */
    public void answered(int status, Duration latency) {
        answerLatency.record(latency);
        registry.counter("wxgate.callback.answers", "status", Integer.toString(status)).increment();
    }

    public void tokenFetch(boolean forceRefresh) {
        registry.counter("wxgate.token.fetches", "cause", forceRefresh ? "force_refresh" : "expired_or_refused")
                .increment();
    }

    /** Every answer WeChat gave to a send call, by API and errcode (0 = accepted). */
    public void wechatAnswer(String api, int errcode) {
        registry.counter("wxgate.wechat.answers", "api", api, "errcode", Integer.toString(errcode)).increment();
    }

    public void deadLetter(String kind) {
        registry.counter("wxgate.dead.letters", "kind", kind).increment();
    }

    private static String orNone(String value) {
        return value == null || value.isEmpty() ? "none" : value;
    }
}
