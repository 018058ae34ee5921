package io.wxgate.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.wxgate.simulator.ScriptedFaults.Fault;
import io.wxgate.simulator.ScriptedFaults.Kind;

/**
 * Stands in for api.weixin.qq.com in the gateway's tests, demo and benchmarks: a real HTTP server on 127.0.0.1 that
 * speaks the access_token and send APIs of wechat-protocol.md §6–§8, keeps the WeChat-side world (followers,
 * customer-service windows, subscribe grants) and fails on cue. Every request is recorded; everything is thread-safe.
 */
public final class WeChatApiSimulator implements AutoCloseable {

    public static final String TOKEN = "/cgi-bin/token";
    public static final String STABLE_TOKEN = "/cgi-bin/stable_token";
    public static final String TEMPLATE_SEND = "/cgi-bin/message/template/send";
    public static final String CUSTOM_SEND = "/cgi-bin/message/custom/send";
    public static final String SUBSCRIBE_SEND = "/cgi-bin/message/subscribe/bizsend";

    /** One HTTP request as the simulator saw it; status is -1 when the connection was dropped unanswered. */
    public record Call(String method, String path, Map<String, String> query, String body, Instant at, int status,
                       String answer) {
    }

    /**
     * A message that really reached a user; api is "template", "custom" or "subscribe", msgid 0 where none is given,
     * appId the account whose access_token sent it.
     */
    public record Delivery(String api, String touser, String templateId, String clientMsgId, long msgid, String body,
                           String appId) {
    }

    private record Reply(int status, String body) {
    }

    static {
        // HttpServer writes the response headers and the body in two packets; with Nagle on, the body waits for the
        // client's delayed ACK (~40 ms a call). The JDK reads this once, when the JVM's first HttpServer is created:
        // a test JVM that starts another HttpServer before this class loads should set it itself (e.g. in surefire).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final Clock clock;
    /** The first account's tokens: what the methods without an appId act on. */
    private final TokenAuthority tokens;
    private final String firstAppId;
    // Every account WeChat knows here, by AppId, the first one included. Each has its own tokens; the users' world
    // (follows, windows, grants) is one, and template msgids are numbered per account.
    private final Map<String, TokenAuthority> accounts = new java.util.concurrent.ConcurrentHashMap<>();
    private final SendApis sends;
    private final MenuApis menus = new MenuApis();
    private final MediaApis media;
    private final WebAuthApis webAuth;
    private final ScriptedFaults faults = new ScriptedFaults();
    private final List<Call> calls = new ArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor;

    private WeChatApiSimulator(String appId, String appSecret, Clock clock) throws IOException {
        this.clock = clock;
        this.tokens = new TokenAuthority(appId, appSecret, clock);
        this.firstAppId = appId;
        accounts.put(appId, tokens);
        this.sends = new SendApis(clock);
        this.media = new MediaApis(clock);
        this.webAuth = new WebAuthApis(accounts, clock);
        // A backlog well above the 100 concurrent sends the gateway's tests fire at once.
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        int serverNumber = SERVERS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "wechat-sim-" + serverNumber + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static WeChatApiSimulator start(String appId, String appSecret) {
        return start(appId, appSecret, Clock.systemUTC());
    }

    /** For tests that need WeChat's clock to jump (token expiry, the 30 s force_refresh rule, 10 min dedupe). */
    static WeChatApiSimulator start(String appId, String appSecret, Clock clock) {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(appSecret, "appSecret");
        Objects.requireNonNull(clock, "clock");
        try {
            return new WeChatApiSimulator(appId, appSecret, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the WeChat API simulator", e);
        }
    }

    /** Another official account, with its own AppSecret and tokens (SPEC §7); the send world is shared. */
    public WeChatApiSimulator addAccount(String appId, String appSecret) {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(appSecret, "appSecret");
        if (accounts.putIfAbsent(appId, new TokenAuthority(appId, appSecret, clock)) != null) {
            throw new IllegalArgumentException("account already known: " + appId);
        }
        return this;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Forgets tokens, faults, delays, records, users and grants, and restores the defaults; keeps the accounts. */
    public void reset() {
        accounts.values().forEach(TokenAuthority::reset);
        sends.reset();
        menus.reset();
        media.reset();
        webAuth.reset();
        faults.clear();
        synchronized (calls) {
            calls.clear();
        }
    }

    // ---- token state (§6)

    /** The most recently issued access_token (what a normal stable_token fetch hands out), null before the first. */
    public String currentToken() {
        return tokens.lastIssued();
    }

    /** That account's most recently issued access_token, null before its first. */
    public String currentToken(String appId) {
        return account(appId).lastIssued();
    }

    /** The current token answers 40001 from now on; the next normal fetch issues a new one (unless sticky). */
    public void invalidateToken() {
        tokens.invalidateLastIssued();
    }

    /** That account's current token answers 40001 from now on. */
    public void invalidateToken(String appId) {
        account(appId).invalidateLastIssued();
    }

    /** The current token answers 42001 from now on; the next normal fetch issues a new one. */
    public void expireToken() {
        tokens.expireLastIssued();
    }

    /** expires_in of tokens issued from now on (default 7200). */
    public void tokenExpiresIn(int seconds) {
        tokens.expiresIn(seconds);
    }

    /** While true, a normal stable_token fetch keeps handing out an invalidated token; only force_refresh escapes. */
    public void stickyInvalidToken(boolean sticky) {
        tokens.stickyInvalid(sticky);
    }

    /** The next count fetches of either token endpoint answer errcode (e.g. 40013, 40125, 40164). */
    public void failTokenFetches(int errcode, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        requireFailure(errcode);
        tokens.failFetches(errcode, count);
    }

    private static void requireFailure(int errcode) {
        if (errcode == 0) {
            throw new IllegalArgumentException("errcode 0 is WeChat's success, not a failure");
        }
    }

    // ---- scripted faults, per request path, used up one per call in the order given

    /** The next count calls on path answer HTTP 200 {"errcode":errcode,...} without doing the work. */
    public void failNext(String path, int count, int errcode) {
        requireFailure(errcode);
        faults.add(path, count, new Fault(Kind.ERRCODE, errcode));
    }

    /** The next count calls on path answer the HTTP status (400–599) with a short JSON body and no errcode. */
    public void httpErrorNext(String path, int count, int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an HTTP error status: " + status);
        }
        faults.add(path, count, new Fault(Kind.HTTP_STATUS, status));
    }

    /** The next count calls on path are read, not worked on, and the connection is closed without a response. */
    public void dropBeforeWorkNext(String path, int count) {
        faults.add(path, count, new Fault(Kind.DROP_BEFORE_WORK, 0));
    }

    /** The next count calls on path are worked on (a message is delivered), then dropped without a response. */
    public void dropAfterWorkNext(String path, int count) {
        faults.add(path, count, new Fault(Kind.DROP_AFTER_WORK, 0));
    }

    /**
     * Every call on path is held for d before it is handled (Duration.ZERO clears). The work is still done when the
     * client has given up meanwhile, as on a real server.
     */
    public void delay(String path, Duration d) {
        faults.delay(path, Objects.requireNonNull(d, "d"));
    }

    /** JS-SDK tickets and web authorization (§11, §13): mint codes, read tickets, count fetches. */
    public WebAuthApis webAuth() {
        return webAuth;
    }

    // ---- the WeChat-side world (§7)

    /** Opens a 48 h customer-service window for this user, with a fresh message count. */
    public void userInteracted(String openid) {
        sends.userInteracted(openid);
    }

    /** Opens the customer-service window of every user, as if each had just written (the demo's world). */
    public void openEveryWindow(boolean open) {
        sends.openEveryWindow(open);
    }

    /** Template and custom sends to this user answer 43004. */
    public void unfollow(String openid) {
        sends.unfollow(openid);
    }

    /** Template sends with this template_id answer 40037. */
    public void rejectTemplate(String templateId) {
        sends.rejectTemplate(templateId);
    }

    /** Adds times one-time subscribe grants of templateId for this user; each bizsend uses one up. */
    public void grantSubscribe(String openid, String templateId, int times) {
        if (times < 0) {
            throw new IllegalArgumentException("times must not be negative: " + times);
        }
        sends.grantSubscribe(openid, templateId, times);
    }

    /** Custom sends allowed per opened window before 45047 (default 5). */
    public void customMessageLimit(int perUser) {
        if (perUser < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + perUser);
        }
        sends.serviceLimit(perUser);
    }

    /** The proxied APIs (user/info, qrcode/create, media upload and download) and their state. */
    public MediaApis media() {
        return media;
    }

    // ---- records (snapshots)

    /** Every request in the order it was answered (or dropped); a call is recorded before its answer is written. */
    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public List<Call> calls(String path) {
        return calls().stream().filter(call -> call.path().equals(path)).toList();
    }

    /** Successful fetches of either token endpoint, normal and forced (the first account's). */
    public int tokenFetches() {
        return tokens.fetches();
    }

    /** Successful token fetches of that account. */
    public int tokenFetches(String appId) {
        return account(appId).fetches();
    }

    /** stable_token calls with force_refresh=true that really issued a new token. */
    public int forceRefreshes() {
        return tokens.forcedRefreshes();
    }

    public List<Delivery> deliveries() {
        return sends.deliveries();
    }

    /** The distinct template messages delivered, as touser|client_msg_id: a repeat WeChat deduped counts once. */
    public java.util.Set<String> distinctTemplateDeliveries() {
        return deliveries("template").stream().map(d -> d.touser() + "|" + d.clientMsgId())
                .collect(java.util.stream.Collectors.toSet());
    }

    /** How many messages of {@code api} were delivered, without copying them. */
    public int deliveryCount(String api) {
        return sends.deliveryCount(api);
    }

    public List<Delivery> deliveries(String api) {
        return deliveries().stream().filter(delivery -> delivery.api().equals(api)).toList();
    }

    // ---- HTTP

    private void handle(HttpExchange exchange) {
        Instant at = clock.instant();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        Map<String, String> query = parseQuery(exchange.getRequestURI().getRawQuery());
        String body = null;
        try {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            body = new String(raw, StandardCharsets.UTF_8);
            Duration delay = faults.delayOf(path);
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
            Fault fault = faults.next(path);
            Kind kind = fault == null ? null : fault.kind();
            if (kind == Kind.DROP_BEFORE_WORK) {
                record(method, path, query, body, at, -1, null);
                drop(exchange);
                return;
            }
            String request = body;
            if (kind == null && media.serve(exchange, method, path, query, raw, this::tokenError,
                    (status, answer) -> record(method, path, query, request, at, status, answer))) {
                return;
            }
            Reply reply;
            if (kind == Kind.HTTP_STATUS) {
                reply = httpError(fault.code());
            } else if (kind == Kind.ERRCODE) {
                reply = weChat(WeChatErrors.error(fault.code()));
            } else {
                reply = work(method, path, query, body);
            }
            if (kind == Kind.DROP_AFTER_WORK) {
                record(method, path, query, body, at, -1, reply.body());
                drop(exchange);
                return;
            }
            record(method, path, query, body, at, reply.status(), reply.body());
            answer(exchange, reply);
        } catch (InterruptedException e) {
            // The simulator is closing while a delayed call waits: leave unanswered.
            Thread.currentThread().interrupt();
            drop(exchange);
        } catch (IOException e) {
            drop(exchange);
        } catch (RuntimeException e) {
            Reply failure = new Reply(500, "{\"error\":\"simulator failure: " + e.getClass().getSimpleName() + "\"}");
            record(method, path, query, body, at, failure.status(), failure.body());
            try {
                answer(exchange, failure);
            } catch (IOException ignored) {
                drop(exchange);
            }
        }
    }

    private Reply work(String method, String path, Map<String, String> query, String body) {
        return switch (path) {
            case TOKEN -> weChat(authorityFor(query.get("appid")).fetchClassic(query.get("grant_type"),
                    query.get("appid"), query.get("secret")));
            case STABLE_TOKEN -> stableToken(method, body);
            case TEMPLATE_SEND, CUSTOM_SEND, SUBSCRIBE_SEND -> send(method, path, query, body);
            case MenuApis.CREATE, MenuApis.GET -> menu(method, path, query, body);
            case WebAuthApis.GETTICKET, WebAuthApis.OAUTH_TOKEN, WebAuthApis.USERINFO ->
                    weChat(webAuth.answer(path, query));
            default -> httpError(404);
        };
    }

    private Reply stableToken(String method, String body) {
        if (!"POST".equals(method)) {
            return weChat(WeChatErrors.error(43002));
        }
        // §6: JSON only; a form body is answered 41002 "appid missing".
        JsonNode request = parseObject(body);
        if (request == null) {
            return weChat(WeChatErrors.error(41002));
        }
        JsonNode force = request.path("force_refresh");
        boolean forced = force.asBoolean(false) || "true".equalsIgnoreCase(force.asText());
        String appid = request.path("appid").asText(null);
        return weChat(authorityFor(appid).fetchStable(request.path("grant_type").asText(null), appid,
                request.path("secret").asText(null), forced));
    }

    private Reply send(String method, String path, Map<String, String> query, String body) {
        String accessToken = query.get("access_token");
        String appId = issuerOf(accessToken);
        int tokenError = accounts.get(appId).check(accessToken);
        if (tokenError != 0) {
            return weChat(WeChatErrors.error(tokenError));
        }
        if (!"POST".equals(method)) {
            return weChat(WeChatErrors.error(43002));
        }
        JsonNode request = parseObject(body);
        if (request == null) {
            return weChat(WeChatErrors.error(47001));
        }
        return weChat(switch (path) {
            case TEMPLATE_SEND -> sends.template(appId, request, body);
            case CUSTOM_SEND -> sends.custom(appId, request, body);
            default -> sends.subscribe(appId, request, body);
        });
    }

    private Reply menu(String method, String path, Map<String, String> query, String body) {
        String accessToken = query.get("access_token");
        String appId = issuerOf(accessToken);
        int refused = tokenError(accessToken);
        if (refused != 0) {
            return weChat(WeChatErrors.error(refused));
        }
        if (MenuApis.GET.equals(path)) {
            return weChat(menus.get(appId));
        }
        JsonNode request = parseObject(body);
        if (!"POST".equals(method) || request == null) {
            return weChat(WeChatErrors.error(!"POST".equals(method) ? 43002 : 47001));
        }
        return weChat(menus.create(appId, request));
    }

    // ---- menus (§14)

    /** The menu WeChat shows account {@code appId}'s followers, as it was created; null when it has none. */
    public JsonNode menuOf(String appId) {
        return menus.menuOf(appId);
    }

    /** How many menu/create calls replaced account {@code appId}'s menu. */
    public int menuCreates(String appId) {
        return menus.creates(appId);
    }

    /** 0 when WeChat takes the access_token, else the errcode it refuses it with (40001, 42001 …). */
    private int tokenError(String accessToken) {
        return accounts.get(issuerOf(accessToken)).check(accessToken);
    }

    private TokenAuthority account(String appId) {
        TokenAuthority account = accounts.get(appId);
        if (account == null) {
            throw new IllegalArgumentException("no such account in the simulator: " + appId);
        }
        return account;
    }

    /** A fetch for an AppId WeChat does not know meets the first account, which refuses it (40013). */
    private TokenAuthority authorityFor(String appid) {
        TokenAuthority account = appid == null ? null : accounts.get(appid);
        return account != null ? account : tokens;
    }

    /** The account that issued the token; a token nobody issued is checked by the first (40001). */
    private String issuerOf(String accessToken) {
        for (Map.Entry<String, TokenAuthority> account : accounts.entrySet()) {
            if (account.getValue().issued(accessToken)) {
                return account.getKey();
            }
        }
        return firstAppId;
    }

    private static Reply weChat(Map<String, Object> answer) {
        try {
            return new Reply(200, JSON.writeValueAsString(answer));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A front-end error, not a WeChat answer: deliberately no errcode, so only the HTTP status tells what happened. */
    private static Reply httpError(int status) {
        String reason = switch (status) {
            case 404 -> "Not Found";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "HTTP Error";
        };
        return new Reply(status, "{\"status\":" + status + ",\"error\":\"" + reason + "\"}");
    }

    private static JsonNode parseObject(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.putIfAbsent(name, value);
        }
        return Collections.unmodifiableMap(query);
    }

    private void record(String method, String path, Map<String, String> query, String body, Instant at, int status,
                        String answer) {
        synchronized (calls) {
            calls.add(new Call(method, path, query, body, at, status, answer));
        }
    }

    private static void answer(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void drop(HttpExchange exchange) {
        exchange.close();
    }
}
