package io.wxgate.ops;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wxgate.account.Account;
import io.wxgate.account.Accounts;

/**
 * The gateway's own metrics, named for what an operator asks: how many callbacks of which kind, how many were
 * WeChat's retries, how often the deadline was hit, how fast answers leave, why tokens were fetched, what WeChat
 * answered to sends, how many dead letters. Exposed at /actuator/prometheus on the management port.
 *
 * <p>Every metric is tagged {@code app_id} with the official account it concerns (SPEC §7). Its values are the
 * AppIds of the accounts file, so the label set stays bounded: an AppId no account has (a JMS producer's typo) is
 * counted as {@code unknown}, and an absent one is the default account's.
 *
 * <p>Counters are looked up once per tag combination and kept: a registry lookup per callback (tag sorting,
 * meter id hashing) cost more than the counting itself on the hot path.
 */
public final class GatewayMetrics {

    /** Tag values come from verified WeChat messages; an unknown MsgType or Event must still not grow memory. */
    static final int MAX_CALLBACK_KINDS = 200;
    static final String UNKNOWN_ACCOUNT = "unknown";
    /** WeChat's API has a few hundred paths; a caller probing made-up ones must not grow the label set. */
    static final int MAX_PROXY_PATHS = 300;
    /** The proxy's path label of every path beyond those, and of paths WeChat does not know. */
    public static final String OTHER_PATH = "other";

    private final MeterRegistry registry;
    private final Accounts accounts;
    private final Map<String, Counter> callbacks = new ConcurrentHashMap<>();
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();
    private final Map<String, Counter> others = new ConcurrentHashMap<>();
    private final Map<String, Timer> proxyLatencies = new ConcurrentHashMap<>();
    private final java.util.Set<String> proxyPaths = ConcurrentHashMap.newKeySet();

    public GatewayMetrics(MeterRegistry registry, Accounts accounts) {
        this.registry = registry;
        this.accounts = accounts;
    }

    /** A new message handed to the routes, by account, type and event. */
    public void callback(String appId, String msgType, String event) {
        String app = appTag(appId);
        String type = orNone(msgType);
        String kind = orNone(event);
        Counter counter = callbacks.get(app + '\n' + type + '\n' + kind);
        if (counter == null) {
            counter = callbacks.size() < MAX_CALLBACK_KINDS ? callbackCounter(app, type, kind)
                    : callbackCounter(app, "other", "other");
        }
        counter.increment();
    }

    private Counter callbackCounter(String app, String type, String kind) {
        return callbacks.computeIfAbsent(app + '\n' + type + '\n' + kind,
                key -> registry.counter("wxgate.callbacks", "app_id", app, "msg_type", type, "event", kind));
    }

    /** A WeChat retry answered with the first delivery's reply, not processed again. */
    public void duplicate(String appId) {
        String app = appTag(appId);
        counter("duplicate\n" + app, x -> Counter.builder("wxgate.callback.duplicates")
                .description("WeChat retries answered with the first delivery's reply, not processed again")
                .tag("app_id", app).register(registry)).increment();
    }

    public void deadlineHit(String appId) {
        String app = appTag(appId);
        counter("deadline\n" + app, x -> Counter.builder("wxgate.callback.deadline.hits")
                .description("callbacks answered 'success' at the deadline while their routes were still working")
                .tag("app_id", app).register(registry)).increment();
    }

    /** Every callback answer, refused or not, by account and HTTP status. */
    public void answered(String appId, int status, Duration latency) {
        String app = appTag(appId);
        Timer timer = latencies.get(app);
        if (timer == null) {
            timer = latencies.computeIfAbsent(app, x -> Timer.builder("wxgate.callback.answer.latency")
                    .description("time from a callback's arrival to its answer").tag("app_id", app)
                    .publishPercentiles(0.5, 0.99).register(registry));
        }
        timer.record(latency);
        String code = Integer.toString(status);
        counter("answer-status\n" + app + '\n' + code,
                x -> registry.counter("wxgate.callback.answers", "app_id", app, "status", code)).increment();
    }

    public void tokenFetch(String appId, boolean forceRefresh) {
        String app = appTag(appId);
        String cause = forceRefresh ? "force_refresh" : "expired_or_refused";
        counter("token\n" + app + '\n' + cause,
                x -> registry.counter("wxgate.token.fetches", "app_id", app, "cause", cause)).increment();
    }

    /** Every answer WeChat gave to a send call, by account, API and errcode (0 = accepted). */
    public void wechatAnswer(String appId, String api, Integer errcode) {
        String app = appTag(appId);
        String code = errcode == null ? "none" : errcode.toString();
        counter("answer\n" + app + '\n' + api + '\n' + code,
                x -> registry.counter("wxgate.wechat.answers", "app_id", app, "api", api, "errcode", code)).increment();
    }

    /**
     * A call through the WeChat proxy (SPEC §8), by account, WeChat path, the HTTP status answered and WeChat's
     * errcode ({@code none} when the answer was not JSON, e.g. media, or there was no answer). The path is the
     * caller's, so only WeChat-shaped paths (ProxyRequest admits nothing else) that WeChat knows (the caller passes
     * OTHER_PATH for a 404), up to MAX_PROXY_PATHS distinct ones, get a label of their own; the rest count as
     * {@code other}.
     */
    public void proxyCall(String appId, String path, int status, Integer errcode, Duration latency) {
        String app = appTag(appId);
        String where = proxyPaths.contains(path) || proxyPaths.size() < MAX_PROXY_PATHS && proxyPaths.add(path)
                ? path : OTHER_PATH;
        String code = errcode == null ? "none" : errcode.toString();
        String answered = Integer.toString(status);
        counter("proxy\n" + app + '\n' + where + '\n' + answered + '\n' + code,
                x -> Counter.builder("wxgate.proxy.calls").description("calls through the WeChat proxy")
                        .tags("app_id", app, "path", where, "status", answered, "errcode", code).register(registry))
                .increment();
        Timer timer = proxyLatencies.get(app + '\n' + where);
        if (timer == null) {
            timer = proxyLatencies.computeIfAbsent(app + '\n' + where, x -> Timer.builder("wxgate.proxy.latency")
                    .description("time from a proxied call's arrival until WeChat's answer began to go back")
                    .tags("app_id", app, "path", where).publishPercentiles(0.5, 0.99).register(registry));
        }
        timer.record(latency);
    }

    public void deadLetter(String appId, String kind) {
        String app = appTag(appId);
        counter("dead\n" + app + '\n' + kind,
                x -> registry.counter("wxgate.dead.letters", "app_id", app, "kind", kind)).increment();
    }

    private String appTag(String appId) {
        if (appId == null || appId.isEmpty()) {
            return accounts.defaultAccount().appId();
        }
        return accounts.find(appId).map(Account::appId).orElse(UNKNOWN_ACCOUNT);
    }

    private Counter counter(String key, Function<String, Counter> create) {
        Counter counter = others.get(key);
        return counter != null ? counter : others.computeIfAbsent(key, create);
    }

    private static String orNone(String value) {
        return value == null || value.isEmpty() ? "none" : value;
    }
}
