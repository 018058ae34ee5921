package io.wxgate.ops;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's own metrics, named for what an operator asks: how many callbacks of which kind, how many were
 * WeChat's retries, how often the deadline was hit, how fast answers leave, why tokens were fetched, what WeChat
 * answered to sends, how many dead letters. Exposed at /actuator/prometheus on the management port.
 *
 * <p>Counters are looked up once per tag combination and kept: a registry lookup per callback (tag sorting,
 * meter id hashing) cost more than the counting itself on the hot path.
 */
public final class GatewayMetrics {

    /** Tag values come from verified WeChat messages; an unknown MsgType or Event must still not grow memory. */
    static final int MAX_CALLBACK_KINDS = 200;

    private final MeterRegistry registry;
    private final Counter duplicates;
    private final Counter deadlineHits;
    private final Timer answerLatency;
    private final Map<String, Counter> callbacks = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> answers = new ConcurrentHashMap<>();
    private final Map<String, Counter> others = new ConcurrentHashMap<>();

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
        String type = orNone(msgType);
        String kind = orNone(event);
        Counter counter = callbacks.get(type + '\n' + kind);
        if (counter == null) {
            counter = callbacks.size() < MAX_CALLBACK_KINDS ? callbackCounter(type, kind)
                    : callbackCounter("other", "other");
        }
        counter.increment();
    }

    private Counter callbackCounter(String type, String kind) {
        return callbacks.computeIfAbsent(type + '\n' + kind,
                key -> registry.counter("wxgate.callbacks", "msg_type", type, "event", kind));
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
        answers.computeIfAbsent(status,
                s -> registry.counter("wxgate.callback.answers", "status", Integer.toString(s))).increment();
    }

    public void tokenFetch(boolean forceRefresh) {
        String cause = forceRefresh ? "force_refresh" : "expired_or_refused";
        counter("token\n" + cause, x -> registry.counter("wxgate.token.fetches", "cause", cause)).increment();
    }

    /** Every answer WeChat gave to a send call, by API and errcode (0 = accepted). */
    public void wechatAnswer(String api, int errcode) {
        String code = Integer.toString(errcode);
        counter("answer\n" + api + '\n' + code,
                x -> registry.counter("wxgate.wechat.answers", "api", api, "errcode", code)).increment();
    }

    public void deadLetter(String kind) {
        counter("dead\n" + kind, x -> registry.counter("wxgate.dead.letters", "kind", kind)).increment();
    }

    private Counter counter(String key, Function<String, Counter> create) {
        Counter counter = others.get(key);
        return counter != null ? counter : others.computeIfAbsent(key, create);
    }

    private static String orNone(String value) {
        return value == null || value.isEmpty() ? "none" : value;
    }
}
