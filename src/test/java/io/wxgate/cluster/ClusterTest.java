package io.wxgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wxgate.crypto.WeChatCipher;
import io.wxgate.simulator.WeChatApiSimulator;
import io.wxgate.simulator.WebAuthApis;
import io.wxgate.testkit.FreePorts;
import io.wxgate.testkit.ApiClient;
import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.CallbackDriver.Delivery;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayProcess;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * SPEC §6: two gateway processes in cluster mode on the machine's real Redis and RabbitMQ behave as one.
 * Each run uses its own key prefix, exchange and queues, and removes only those afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {

    private static final String TEMPLATE = "/cgi-bin/message/template/send";
    private static final String SUBSCRIBE = "/cgi-bin/message/subscribe/bizsend";
    private static final String CUSTOM = "/cgi-bin/message/custom/send";
    /** The subscribe and custom APIs' throttle in both instances, low enough to watch. */
    private static final int THROTTLED_RATE = 5;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String KEY_PREFIX = "wxgate-test-" + RUN + ":";
    private static final String EXCHANGE = "wxgate-test-" + RUN;
    private static final String QUEUE_PREFIX = "wxgate-test-" + RUN + ".";
    private static final String API_KEY = "cluster-key";
    private static final WeChatApiSimulator SIM = GatewayTest.SIMULATOR;

    private static GatewayProcess a;
    private static GatewayProcess b;
    private static GatewayProcess stalling;
    private static int portA;
    private static int portB;
    private static int portStalling;
    private static CachingConnectionFactory rabbit;
    private static LettuceConnectionFactory redisFactory;
    private static StringRedisTemplate redis;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        SIM.reset();
        rabbit = new CachingConnectionFactory("127.0.0.1", 5672);
        rabbit.setUsername("guest");
        rabbit.setPassword("guest");
        redisFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        redisFactory.afterPropertiesSet();
        redis = new StringRedisTemplate(redisFactory);
        redis.afterPropertiesSet();
        portA = freePort();
        portB = freePort();
        CompletableFuture<GatewayProcess> startA = CompletableFuture.supplyAsync(() -> start(portA, "a", Map.of()));
        CompletableFuture<GatewayProcess> startB = CompletableFuture.supplyAsync(() -> start(portB, "b", Map.of()));
        a = startA.join();
        b = startB.join();
    }

    private static GatewayProcess start(int port, String name, Map<String, String> extraSettings) {
        try {
            Path data = Files.createDirectories(Path.of("target/cluster-test", RUN, name));
            Map<String, String> settings = GatewayProcess.sendingSettings(data, API_KEY, SIM.baseUrl(), 2);
            settings.put("spring.profiles.active", "cluster");
            settings.put("wechat.cluster.key-prefix", KEY_PREFIX);
            settings.put("wechat.cluster.exchange", EXCHANGE);
            settings.put("wechat.cluster.queue-prefix", QUEUE_PREFIX);
            settings.put("wechat.send.rate-per-second.template", "1000");
            settings.put("wechat.send.rate-per-second.subscribe", Integer.toString(THROTTLED_RATE));
            settings.put("wechat.send.rate-per-second.custom", Integer.toString(THROTTLED_RATE));
            // Every instance reads the same accounts file (SPEC §7): the test gateway's, with its second account.
            settings.put("wechat.accounts.file", GatewayTest.ACCOUNTS_FILE.toString());
            // A message whose text is "boom" fails in the routes (a dead letter); any other is handled as shipped.
            settings.put("wechat.inbound.endpoint", "direct:cluster-dispatch");
            settings.put("camel.main.routes-include-pattern",
                    "file:routes/*.camel.yaml,classpath:cluster-routes/*.camel.yaml");
            settings.putAll(extraSettings);
            return GatewayProcess.start(port, settings, data.resolve("gateway.log"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopAndCleanUp() {
        for (GatewayProcess p : new GatewayProcess[] {a, b, stalling}) {
            if (p != null) {
                p.kill();
            }
        }
        RabbitAdmin admin = new RabbitAdmin(rabbit);
        for (String q : List.of("send.template", "send.custom", "send.subscribe", "inbound")) {
            admin.deleteQueue(QUEUE_PREFIX + q);
            admin.deleteQueue(QUEUE_PREFIX + q + ".dlq");
        }
        admin.deleteExchange(EXCHANGE);
        admin.deleteExchange(EXCHANGE + ".dlx");
        rabbit.destroy();
        List<String> mine = storedKeys(KEY_PREFIX + "*");
        if (!mine.isEmpty()) {
            redis.delete(mine);
        }
        redisFactory.destroy();
        SIM.reset();
    }

    /** A third instance whose routes hang on every message (test-stall.camel.yaml), started on first use. */
    private static void startStallingInstance() throws IOException {
        if (stalling == null) {
            portStalling = freePort();
            stalling = start(portStalling, "stalling", Map.of(
                    "wechat.inbound.endpoint", "direct:test-stall",
                    "camel.main.routes-include-pattern",
                    "file:routes/*.camel.yaml,classpath:test-routes/test-stall.camel.yaml"));
        }
    }

    private static List<String> storedKeys(String pattern) {
        try (var cursor = redis.scan(ScanOptions.scanOptions().match(pattern).count(500).build())) {
            List<String> found = new ArrayList<>();
            cursor.forEachRemaining(found::add);
            return found;
        }
    }

    /** What the instances keep in Redis for one message: its dedupe claim ("seen") or its first reply ("reply"). */
    private static List<String> stored(String kind, String msgId) {
        return storedKeys(KEY_PREFIX + "*:" + kind + ":*" + msgId);
    }

    private static void sleepUntil(long startNanos, Duration later) throws InterruptedException {
        TimeUnit.NANOSECONDS.sleep(Math.max(0, startNanos + later.toNanos() - System.nanoTime()));
    }

    @BeforeEach
    void quietWeChat() {
        SIM.delay(TEMPLATE, Duration.ZERO);
    }

    private static CallbackDriver driver(int port) {
        return new CallbackDriver(URI.create("http://127.0.0.1:" + port + "/wechat/callback"), GatewayTest.TOKEN,
                new WeChatCipher(GatewayTest.AES_KEY, GatewayTest.APP_ID));
    }

    private static String template(String user) {
        return "{\"touser\":\"" + user + "\",\"template_id\":\"tmpl-order\",\"data\":{\"k\":{\"value\":\"v\"}}}";
    }

    /** Messages the instances forwarded to the inbound queue, i.e. processed, taken off the queue. */
    private static List<JsonNode> drainForwarded() throws IOException {
        RabbitTemplate template = new RabbitTemplate(rabbit);
        List<JsonNode> forwarded = new ArrayList<>();
        Message m;
        while ((m = template.receive(QUEUE_PREFIX + "inbound", 200)) != null) {
            forwarded.add(JSON.readTree(m.getBody()));
        }
        return forwarded;
    }

    /** Sends alternate between the instances and, within each instance, between the two accounts. */
    private static void sendThroughBothInstancesForBothAccounts(int count) {
        List<CompletableFuture<HttpResponse<String>>> sends = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ApiClient api = new ApiClient(i % 2 == 0 ? portA : portB, API_KEY);
            String path = (i / 2) % 2 == 0 ? "/api/v1/template-messages"
                    : "/api/v1/accounts/" + GatewayTest.SECOND_APP_ID + "/template-messages";
            sends.add(CompletableFuture.supplyAsync(() -> api.post(path, template(Samples.user()))));
        }
        sends.forEach(s -> assertThat(s.join().statusCode()).isEqualTo(202));
    }

    @Test
    @Order(1)
    void coldStartSendsThroughBothInstancesFetchOneTokenPerAccountAndAnInvalidatedTokenIsRefreshedOnce() {
        String second = GatewayTest.SECOND_APP_ID;
        int before = SIM.tokenFetches(GatewayTest.APP_ID);
        int secondBefore = SIM.tokenFetches(second);

        sendThroughBothInstancesForBothAccounts(40);

        await().atMost(Duration.ofSeconds(30)).until(() -> SIM.deliveries("template").size() >= 40);
        assertThat(SIM.deliveries("template")).filteredOn(d -> second.equals(d.appId())).hasSize(20);
        assertThat(SIM.tokenFetches(GatewayTest.APP_ID) - before).as("token fetches on a cold cluster").isEqualTo(1);
        assertThat(SIM.tokenFetches(second) - secondBefore).as("the second account's, on a cold cluster").isEqualTo(1);
        assertThat(storedKeys(KEY_PREFIX + second + ":token")).as("the account's own Redis key").hasSize(1);

        SIM.invalidateToken(second);
        int delivered = SIM.deliveries("template").size();
        sendThroughBothInstancesForBothAccounts(40);
        await().atMost(Duration.ofSeconds(30)).until(() -> SIM.deliveries("template").size() >= delivered + 40);
        assertThat(SIM.tokenFetches(second) - secondBefore).as("after one invalidation").isEqualTo(2);
        assertThat(SIM.tokenFetches(GatewayTest.APP_ID) - before).as("the other account untouched").isEqualTo(1);
    }

    @Test
    @Order(2)
    void aRetryStormSplitAcrossBothInstancesIsProcessedOnceWithIdenticalAnswers() throws Exception {
        drainForwarded();
        String msgId = Samples.newMsgId();
        Delivery d = driver(portA).delivery(Mode.SAFE, Samples.text(Samples.user(), "help", msgId));

        List<CompletableFuture<HttpResponse<String>>> copies = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CallbackDriver target = driver(i % 2 == 0 ? portA : portB);
            copies.add(CompletableFuture.supplyAsync(() -> target.send(d)));
        }
        CallbackDriver opener = driver(portA);
        Set<String> replies = copies.stream().map(CompletableFuture::join).map(opener::openReply).collect(Collectors.toSet());

        assertThat(replies).hasSize(1);
        assertThat(replies.iterator().next()).contains("Reply 'hours'");
        Thread.sleep(500);
        assertThat(drainForwarded()).filteredOn(j -> msgId.equals(j.path("MsgId").asText())).hasSize(1);
    }

    @Test
    @Order(2)
    void aRetryStormForTheSecondAccountSplitAcrossBothInstancesIsProcessedOnceWithItsOwnAnswer() throws Exception {
        drainForwarded();
        String msgId = Samples.newMsgId();
        String user = Samples.user();
        Delivery d = secondDriver(portA).delivery(Mode.SAFE, Samples.event(user, CallbackDriver.now(), "subscribe", null)
                .replace("</xml>", "<MsgId>" + msgId + "</MsgId></xml>"));

        List<CompletableFuture<HttpResponse<String>>> copies = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            CallbackDriver target = secondDriver(i % 2 == 0 ? portA : portB);
            copies.add(CompletableFuture.supplyAsync(() -> target.send(d)));
        }
        CallbackDriver opener = secondDriver(portA);
        Set<String> replies = copies.stream().map(CompletableFuture::join).map(opener::openReply).collect(Collectors.toSet());
        // The same MsgId on the default account is another message, not a retry of this one.
        String defaultReply = driver(portB).openReply(driver(portB).send(driver(portB).delivery(Mode.SAFE,
                Samples.text(user, "help", msgId))));

        assertThat(replies).hasSize(1);
        assertThat(defaultReply).contains("<Content>").isNotEqualTo(replies.iterator().next());
        Thread.sleep(500);
        List<JsonNode> forwarded = drainForwarded().stream().filter(j -> msgId.equals(j.path("MsgId").asText())).toList();
        assertThat(forwarded).hasSize(2);
    }

    private static CallbackDriver secondDriver(int port) {
        return new CallbackDriver(URI.create("http://127.0.0.1:" + port + "/wechat/callback/" + GatewayTest.SECOND_APP_ID),
                GatewayTest.SECOND_TOKEN, new WeChatCipher(GatewayTest.SECOND_AES_KEY, GatewayTest.SECOND_APP_ID));
    }

    @Test
    @Order(3)
    void aSendAcceptedByOneInstanceIsTrackedThroughTheOther() {
        String user = Samples.user();
        ApiClient viaA = new ApiClient(portA, API_KEY);
        ApiClient viaB = new ApiClient(portB, API_KEY);
        String id = ApiClient.json(viaA.post("/api/v1/template-messages", template(user))).get("id").asText();

        JsonNode sent = await().atMost(Duration.ofSeconds(15)).until(
                () -> ApiClient.json(viaB.get("/api/v1/template-messages/" + id)), s -> "sent".equals(s.get("status").asText()));
        driver(portB).send(driver(portB).delivery(Mode.PLAIN,
                Samples.templateSendJobFinish(user, sent.get("msgid").asLong(), "success")));

        await().atMost(Duration.ofSeconds(15)).until(() -> "delivered".equals(
                ApiClient.json(viaA.get("/api/v1/template-messages/" + id)).get("status").asText()));
    }

    @Test
    @Order(4)
    void theCentralTokenIsTheSameThroughEitherInstance() {
        String throughA = ApiClient.json(new ApiClient(portA, API_KEY).get("/api/v1/access-token")).get("access_token").asText();
        String throughB = ApiClient.json(new ApiClient(portB, API_KEY).get("/api/v1/access-token")).get("access_token").asText();

        assertThat(throughA).isEqualTo(throughB).isEqualTo(SIM.currentToken());
        String path = "/api/v1/accounts/" + GatewayTest.SECOND_APP_ID + "/access-token";
        String secondThroughA = ApiClient.json(new ApiClient(portA, API_KEY).get(path)).get("access_token").asText();
        String secondThroughB = ApiClient.json(new ApiClient(portB, API_KEY).get(path)).get("access_token").asText();
        assertThat(secondThroughA).isEqualTo(secondThroughB).isEqualTo(SIM.currentToken(GatewayTest.SECOND_APP_ID))
                .isNotEqualTo(throughA);
    }

    @Test
    @Order(4)
    void aColdClusterFetchesOneJsapiTicketForRequestsSplitAcrossBothInstances() {
        String path = "/api/v1/accounts/" + GatewayTest.SECOND_APP_ID + "/jsapi-ticket";
        int before = SIM.webAuth().ticketFetches(GatewayTest.SECOND_APP_ID);
        // Held long enough for the requests on both instances to arrive while the one fetch is under way.
        SIM.delay(WebAuthApis.GETTICKET, Duration.ofMillis(300));
        try {
            List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(100);
            for (int i = 0; i < 100; i++) {
                ApiClient api = new ApiClient(i % 2 == 0 ? portA : portB, API_KEY);
                requests.add(CompletableFuture.supplyAsync(() -> api.get(path), pool));
            }
            Set<String> tickets = requests.stream().map(CompletableFuture::join).map(answer -> {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                return ApiClient.json(answer).get("ticket").asText();
            }).collect(Collectors.toSet());
            pool.shutdown();

            int fetches = SIM.webAuth().ticketFetches(GatewayTest.SECOND_APP_ID) - before;
            System.out.println("[figure] 100 concurrent jsapi-ticket requests over 2 cluster instances, cold: "
                    + fetches + " getticket call(s)");
            assertThat(fetches).isEqualTo(1);
            assertThat(tickets).containsExactly(SIM.webAuth().currentTicket(GatewayTest.SECOND_APP_ID));
            assertThat(storedKeys(KEY_PREFIX + GatewayTest.SECOND_APP_ID + ":jsapi-ticket")).hasSize(1);
        } finally {
            SIM.delay(WebAuthApis.GETTICKET, Duration.ZERO);
        }
    }

    @Test
    @Order(4)
    void aTokenFetchHeldByAnotherInstanceBeyondTheWaitIsAnsweredAsWeChatsBusy() {
        // Another instance holds the cluster's token lock and has not stored a token yet.
        String token = KEY_PREFIX + GatewayTest.APP_ID + ":token";
        String lock = KEY_PREFIX + GatewayTest.APP_ID + ":token-lock";
        String held = redis.opsForValue().get(token);
        redis.delete(token);
        redis.opsForValue().set(lock, "another-instance", Duration.ofSeconds(30));
        try {
            HttpResponse<String> answer = new ApiClient(portA, API_KEY).get("/api/v1/access-token");

            assertThat(answer.statusCode()).isEqualTo(502);
            assertThat(ApiClient.json(answer).get("errcode").asInt()).isEqualTo(-1);
            assertThat(answer.body()).doesNotContain("internal error");
        } finally {
            redis.delete(lock);
            if (held != null) {
                redis.opsForValue().set(token, held);
            }
        }
    }

    private static String subscribe(String user) {
        SIM.grantSubscribe(user, "tmpl-sub", 1);
        return "{\"touser\":\"" + user + "\",\"template_id\":\"tmpl-sub\",\"data\":{\"thing1\":{\"value\":\"x\"}}}";
    }

    private static String custom(String user) {
        SIM.userInteracted(user);
        return "{\"touser\":\"" + user + "\",\"msgtype\":\"text\",\"text\":{\"content\":\"x\"}}";
    }

    /**
     * Posts every send at once, alternating between the instances, so that the throttles and not the posting decide
     * when the calls go out. Each entry is a path and its body.
     */
    private static void postAtOnce(List<Map.Entry<String, String>> sends) {
        ExecutorService posters = Executors.newFixedThreadPool(sends.size());
        try {
            List<CompletableFuture<HttpResponse<String>>> posted = new ArrayList<>();
            for (int i = 0; i < sends.size(); i++) {
                ApiClient via = new ApiClient(i % 2 == 0 ? portA : portB, API_KEY);
                Map.Entry<String, String> send = sends.get(i);
                posted.add(CompletableFuture.supplyAsync(() -> via.post(send.getKey(), send.getValue()), posters));
            }
            posted.forEach(p -> assertThat(p.join().statusCode()).isEqualTo(202));
        } finally {
            posters.shutdown();
        }
    }

    /**
     * One send through each instance, waited for: the first send of an API on an instance loads and compiles its
     * code path, which on a busy machine takes longer than the spacing a test measures. The bucket holds one token,
     * so a moment later it is as full as if unused.
     */
    private static void warmUp(String path, String wechatPath, java.util.function.UnaryOperator<String> body)
            throws InterruptedException {
        List<String> users = users("warm-" + UUID.randomUUID().toString().substring(0, 4), 2);
        for (int i = 0; i < users.size(); i++) {
            ApiClient via = new ApiClient(i % 2 == 0 ? portA : portB, API_KEY);
            assertThat(via.post(path, body.apply(users.get(i))).statusCode()).isEqualTo(202);
        }
        callTimes(wechatPath, users);
        Thread.sleep(500);
    }

    /** A send as another system would queue it on RabbitMQ: WeChat's JSON, its account in the WeChatAppId header. */
    private static void queue(RabbitTemplate queues, String api, String appId, String json) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json");
        properties.setMessageId(UUID.randomUUID().toString());
        properties.setHeader("WeChatAppId", appId);
        queues.send(EXCHANGE, QUEUE_PREFIX + "send." + api, new Message(json.getBytes(StandardCharsets.UTF_8), properties));
    }

    /** When the simulator received the calls of {@code path} for these users, sorted. */
    private static List<Instant> callTimes(String path, List<String> users) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> SIM.calls(path)
                .stream().filter(c -> c.status() == 200 && users.stream().anyMatch(u -> c.body().contains("\"" + u + "\"")))
                .map(WeChatApiSimulator.Call::at).sorted().toList(), at -> at.size() >= users.size());
    }

    /** The most calls that fall within any one span of {@code window}. */
    private static int busiest(List<Instant> at, Duration window) {
        int most = 0;
        for (Instant start : at) {
            most = Math.max(most, (int) at.stream().filter(t -> !t.isBefore(start) && t.isBefore(start.plus(window))).count());
        }
        return most;
    }

    private static List<String> users(String tag, int count) {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            users.add("o-" + tag + "-" + RUN + "-" + i);
        }
        return users;
    }

    @Test
    @Order(4)
    void bothInstancesTogetherSendAtTheAccountsRateNotTwiceIt() throws InterruptedException {
        warmUp("/api/v1/custom-messages", CUSTOM, ClusterTest::custom);
        List<String> users = users("rate", 4 * THROTTLED_RATE);
        postAtOnce(users.stream().map(u -> Map.entry("/api/v1/custom-messages", custom(u))).toList());

        List<Instant> at = callTimes(CUSTOM, users);

        // One bucket for both instances, one token every 200 ms: 20 calls take 3.8 s, and no 800 ms hold more than 5
        // (4 at the bucket's spacing, one more for the machine's jitter). Two instances each with a bucket of their
        // own would send 10 a second and be done in about 1.8 s.
        Duration spread = Duration.between(at.get(0), at.get(at.size() - 1));
        int busiest = busiest(at, Duration.ofMillis(800));
        System.out.printf("cluster throttle: %d custom sends at %d/s through two instances took %d ms, busiest 800 ms "
                + "held %d%n", users.size(), THROTTLED_RATE, spread.toMillis(), busiest);
        assertThat(busiest).isLessThanOrEqualTo(THROTTLED_RATE);
        assertThat(spread).isBetween(Duration.ofMillis(3000), Duration.ofMillis(6000));
    }

    @Test
    @Order(4)
    void eachAccountAndEachApiHasABucketOfItsOwnAcrossTheCluster() throws InterruptedException {
        String secondPath = "/api/v1/accounts/" + GatewayTest.SECOND_APP_ID;
        warmUp("/api/v1/subscribe-messages", SUBSCRIBE, ClusterTest::subscribe);
        warmUp(secondPath + "/subscribe-messages", SUBSCRIBE, ClusterTest::subscribe);
        int perAccount = 3;
        List<String> mine = users("bucket-default", perAccount);
        List<String> second = users("bucket-second", perAccount);
        List<String> templates = users("bucket-template", 2 * perAccount);
        // Straight onto the queues, all within milliseconds: what is measured is the throttles, not the posting.
        RabbitTemplate queues = new RabbitTemplate(rabbit);
        for (int i = 0; i < perAccount; i++) {
            queue(queues, "subscribe", GatewayTest.APP_ID, subscribe(mine.get(i)));
            queue(queues, "subscribe", GatewayTest.SECOND_APP_ID, subscribe(second.get(i)));
            queue(queues, "template", GatewayTest.APP_ID, template(templates.get(2 * i)));
            queue(queues, "template", GatewayTest.APP_ID, template(templates.get(2 * i + 1)));
        }

        List<String> subscribers = new ArrayList<>(mine);
        subscribers.addAll(second);
        List<Instant> subscribes = callTimes(SUBSCRIBE, subscribers);
        List<Instant> defaultAccount = new ArrayList<>(callTimes(SUBSCRIBE, mine));
        defaultAccount.addAll(callTimes(TEMPLATE, templates));
        defaultAccount.sort(null);

        // Each account's three subscribe calls take 0.4 s at 5/s, side by side; one bucket for both accounts would
        // space all six over a second. The default account's templates (1000/s) go out beside its subscribe calls;
        // sharing the subscribe bucket, its nine calls would take 1.6 s.
        assertThat(Duration.between(subscribes.get(0), subscribes.get(subscribes.size() - 1)))
                .isLessThan(Duration.ofMillis(950));
        assertThat(Duration.between(defaultAccount.get(0), defaultAccount.get(defaultAccount.size() - 1)))
                .isLessThan(Duration.ofMillis(950));
    }

    @Test
    @Order(4)
    void anOperatorAlertRaisedThroughOneInstanceIsListedShownAndClearedThroughTheOther() throws Exception {
        SIM.failNext(TEMPLATE, 1, 45009);
        ApiClient viaA = new ApiClient(portA, API_KEY);
        ApiClient viaB = new ApiClient(portB, API_KEY);
        String id = ApiClient.json(viaA.post("/api/v1/template-messages", template(Samples.user()))).get("id").asText();
        await().atMost(Duration.ofSeconds(15)).until(() -> "failed".equals(
                ApiClient.json(viaA.get("/api/v1/template-messages/" + id)).get("status").asText()));

        JsonNode listedByB = ApiClient.json(viaB.get("/api/v1/alerts")).get("alerts");
        String healthOfB = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort("b") + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        HttpResponse<String> clearedByB = viaB.delete("/api/v1/alerts/45009");

        assertThat(listedByB).filteredOn(alert -> alert.get("errcode").asInt() == 45009).singleElement()
                .satisfies(alert -> {
            assertThat(alert.get("appid").asText()).isEqualTo(GatewayTest.APP_ID);
            assertThat(alert.get("count").asLong()).isEqualTo(1);
        });
        assertThat(healthOfB).contains("\"ALERT\"").contains(GatewayTest.APP_ID + ":45009");
        assertThat(clearedByB.statusCode()).isEqualTo(200);
        assertThat(ApiClient.json(viaA.get("/api/v1/alerts")).get("alerts").findValuesAsText("errcode"))
                .doesNotContain("45009");
        assertThat(viaA.delete("/api/v1/alerts/45009").statusCode()).as("already cleared, by B").isEqualTo(404);
        assertThat(storedKeys(KEY_PREFIX + GatewayTest.APP_ID + ":alert:*")).isEmpty();
    }

    @Test
    @Order(4)
    void anInboundDeadLetterOfOneInstanceIsListedAndReplayedThroughTheOtherAndLeavesRedisOnce() {
        String msgId = Samples.newMsgId();
        ApiClient viaA = new ApiClient(portA, API_KEY);
        ApiClient viaB = new ApiClient(portB, API_KEY);

        HttpResponse<String> answer = driver(portA).send(driver(portA).delivery(Mode.PLAIN,
                Samples.text("o-cluster-boom", "boom", msgId)));

        assertThat(answer.body()).isEqualTo("success");
        JsonNode letter = await().atMost(Duration.ofSeconds(10)).until(() -> letterOf(viaB, msgId), l -> l != null);
        String id = letter.get("id").asText();
        assertThat(letter.get("appid").asText()).isEqualTo(GatewayTest.APP_ID);
        JsonNode throughA = letterOf(viaA, msgId);
        assertThat(throughA).as("the same letter through A").isNotNull();
        assertThat(throughA.get("id").asText()).isEqualTo(id);

        HttpResponse<String> replay = viaB.post("/api/v1/dead-letters/" + id + "/replay", "");

        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
        // It fails again ("boom"): a new letter takes its place, once.
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            JsonNode again = letterOf(viaA, msgId);
            return again != null && !again.get("id").asText().equals(id);
        });
        assertThat(viaA.post("/api/v1/dead-letters/" + id + "/replay", "").statusCode())
                .as("the replayed letter is gone").isEqualTo(404);
        assertThat(ApiClient.json(viaB.get("/api/v1/dead-letters")).get("inbound").findValuesAsText("message"))
                .filteredOn(m -> m.contains(msgId)).hasSize(1);
    }

    /** The inbound dead letter of one message, as an instance lists it; null when there is none. */
    private static JsonNode letterOf(ApiClient via, String msgId) {
        for (JsonNode letter : ApiClient.json(via.get("/api/v1/dead-letters")).get("inbound")) {
            if (letter.get("message").asText().contains(msgId)) {
                return letter;
            }
        }
        return null;
    }

    /** The management port an instance took (GatewayProcess gives it a free one), as its log says. */
    private static int managementPort(String name) throws IOException {
        java.util.regex.Matcher port = java.util.regex.Pattern.compile("Tomcat started on port (\\d+)")
                .matcher(Files.readString(Path.of("target/cluster-test", RUN, name, "gateway.log")));
        assertThat(port.find()).as("the management port in " + name + "'s log").isTrue();
        return Integer.parseInt(port.group(1));
    }

    @Test
    @Order(5)
    void anInstanceKilledMidQueueLeavesItsWorkToTheOtherNothingLostNothingSentTwice() {
        SIM.delay(TEMPLATE, Duration.ofMillis(100));
        int before = SIM.deliveries("template").size();
        ApiClient viaA = new ApiClient(portA, API_KEY);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String user = "o-cluster-kill-" + RUN + "-" + i;
            users.add(user);
            assertThat(viaA.post("/api/v1/template-messages", template(user)).statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> SIM.deliveries("template").size() >= before + 10);

        a.kill();
        a = null;
        int deliveredAtKill = SIM.deliveries("template").size() - before;

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() ->
                SIM.deliveries("template").stream().map(WeChatApiSimulator.Delivery::touser).filter(users::contains)
                        .distinct().count() == 100);
        long deliveriesToThem = SIM.deliveries("template").stream().filter(d -> users.contains(d.touser())).count();
        assertThat(deliveriesToThem).as("deliveries of the 100 sends").isEqualTo(100);
        System.out.printf("cluster kill test: 100 accepted by A, %d delivered when A was killed, 100 delivered once "
                + "after B took over%n", deliveredAtKill);
    }

    @Test
    @Order(6)
    void anInstanceStillWorkingPastTheDeadlineKeepsItsClaimAndRetriesGetItsAnswer() throws Exception {
        startStallingInstance();
        drainForwarded();
        String msgId = Samples.newMsgId();
        Delivery d = driver(portStalling).delivery(Mode.SAFE, Samples.text(Samples.user(), "hours", msgId));
        long sent = System.nanoTime();

        HttpResponse<String> first = driver(portStalling).send(d);
        // Past the claim's first lease (deadline + margin): only the settlement at the deadline holds it now.
        sleepUntil(sent, Duration.ofSeconds(7));
        HttpResponse<String> retry = driver(portB).send(d);

        assertThat(first.body()).isEqualTo("success");
        assertThat(retry.body()).as("the retry's answer").isEqualTo("success");
        Thread.sleep(500);
        assertThat(drainForwarded()).filteredOn(j -> msgId.equals(j.path("MsgId").asText())).isEmpty();
    }

    @Test
    @Order(7)
    void aRetryTakesOverTheClaimOfAnInstanceKilledBeforeItAnsweredAndGetsTheRealReply() throws Exception {
        startStallingInstance();
        drainForwarded();
        String msgId = Samples.newMsgId();
        Delivery d = driver(portStalling).delivery(Mode.SAFE, Samples.text(Samples.user(), "hours", msgId));
        long sent = System.nanoTime();
        CompletableFuture.runAsync(() -> driver(portStalling).send(d));
        await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(50))
                .until(() -> !stored("seen", msgId).isEmpty());

        stalling.kill();
        stalling = null;
        assertThat(stored("reply", msgId)).as("first reply recorded before the kill").isEmpty();
        // WeChat waits 5 s for an answer, then sends the same delivery again.
        sleepUntil(sent, Duration.ofSeconds(5));
        HttpResponse<String> retry = driver(portB).send(d);
        HttpResponse<String> nextRetry = driver(portB).send(d);

        CallbackDriver opener = driver(portB);
        String reply = opener.openReply(retry);
        assertThat(reply).contains("9:00–18:00");
        assertThat(opener.openReply(nextRetry)).isEqualTo(reply);
        Thread.sleep(500);
        assertThat(drainForwarded()).filteredOn(j -> msgId.equals(j.path("MsgId").asText())).hasSize(1);
    }

    private static int freePort() {
        return FreePorts.take();
    }
}
