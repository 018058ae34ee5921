package io.wxgate.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.GatewayProcess;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's rule through a crash: under a load of callbacks the gateway is killed with SIGKILL and restarted on the
 * same data directory; every message that got its answer is on the durable inbound queue, exactly once. Whatever
 * makes the forward cheaper (batched journal syncs, asynchronous sends) must keep this.
 */
class CallbackCrashTest {

    private static final int LOADERS = 8;
    /** Answers before the kill: enough that the kill lands while dozens of forwards are in flight. */
    private static final int ANSWERS_BEFORE_KILL = 1500;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyAnsweredMessageIsOnTheInboundQueueOnceAfterAKill() throws Exception {
        Path dir = Files.createDirectories(Path.of("target/callback-crash-test", UUID.randomUUID().toString()));
        Path emptied = Files.createDirectories(dir.resolve("emptied"));
        // After the restart, one file per message left on the queue.
        Path emptying = dir.resolve("empty-the-queue.camel.yaml");
        Files.writeString(emptying, """
                - route:
                    id: crash-test-empty-the-queue
                    from:
                      uri: jms:queue:wechat.inbound
                      steps:
                        - to:
                            uri: "file:%s?fileName=${exchangeId}.json"
                """.formatted(emptied.toAbsolutePath()));
        int port = GatewayProcess.freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put("gateway.data-dir", dir.resolve("data").toString());
        settings.put("gateway.http-host", "127.0.0.1");
        settings.put("wechat.token", GatewayTest.TOKEN);
        settings.put("wechat.api-base-url", "http://127.0.0.1:" + GatewayProcess.freePort());
        settings.put("camel.main.routes-reload-enabled", "false");
        Path log = dir.resolve("gateway.log");
        GatewayProcess gateway = GatewayProcess.start(port, settings, log);

        CallbackDriver driver = new CallbackDriver(URI.create("http://127.0.0.1:" + port + "/wechat/callback"),
                GatewayTest.TOKEN, null);
        Set<String> answered = ConcurrentHashMap.newKeySet();
        Set<String> sent = ConcurrentHashMap.newKeySet();
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong wrongAnswers = new AtomicLong();
        List<CompletableFuture<?>> loaders = new ArrayList<>();
        for (int i = 0; i < LOADERS; i++) {
            loaders.add(CompletableFuture.runAsync(() -> {
                while (loading.get()) {
                    String msgId = Samples.newMsgId();
                    sent.add(msgId);
                    try {
                        HttpResponse<String> answer = driver.send(driver.delivery(CallbackDriver.Mode.PLAIN,
                                Samples.text("o-crash-user", "hello", msgId)));
                        if (answer.statusCode() == 200 && answer.body().equals("success")) {
                            answered.add(msgId);
                        } else {
                            wrongAnswers.incrementAndGet();
                        }
                    } catch (IllegalStateException gone) {
                        // The process was killed: no answer, so no promise was made for this message.
                        CallbackDriver.sleep(Duration.ofMillis(20));
                    }
                }
            }));
        }
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> answered.size() >= ANSWERS_BEFORE_KILL);
        } finally {
            gateway.kill();
        }
        // Answers that were on their way when the process died arrive now or never; then the load stops.
        CallbackDriver.sleep(Duration.ofMillis(500));
        loading.set(false);
        CompletableFuture.allOf(loaders.toArray(CompletableFuture[]::new)).join();
        Set<String> promised = Set.copyOf(answered);

        settings.put("camel.main.routes-include-pattern", "file:routes/*.camel.yaml,file:" + emptying);
        GatewayProcess restarted = GatewayProcess.start(port, settings, log);
        Map<String, Long> onTheQueue;
        try {
            AtomicLong lastCount = new AtomicLong(-1);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                long count = fileCount(emptied);
                return count >= promised.size() && count == lastCount.getAndSet(count);
            });
            onTheQueue = msgIds(emptied).stream().collect(Collectors.groupingBy(Function.identity(),
                    Collectors.counting()));
        } finally {
            restarted.stop();
        }
        List<String> missing = promised.stream().filter(id -> !onTheQueue.containsKey(id)).sorted().toList();
        Map<String, Long> twice = onTheQueue.entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        System.out.printf("callback crash test: %d sent, %d answered before the kill, %d on the queue after the "
                + "restart (%d forwarded whose answer the kill cut off), %d missing, %d twice%n", sent.size(),
                promised.size(), onTheQueue.size(), onTheQueue.size() - promised.size(), missing.size(),
                twice.size());
        assertThat(wrongAnswers.get()).as("answers other than a whole 200 success").isZero();
        assertThat(missing).as("answered messages not on the queue after the restart").isEmpty();
        assertThat(twice).as("messages on the queue more than once").isEmpty();
        assertThat(sent).as("only messages that were sent are on the queue").containsAll(onTheQueue.keySet());
    }

    private static long fileCount(Path dir) throws IOException {
        return jsonFiles(dir).size();
    }

    private static List<String> msgIds(Path dir) throws IOException {
        List<String> ids = new ArrayList<>();
        for (Path file : jsonFiles(dir)) {
            ids.add(JSON.readTree(file.toFile()).get("MsgId").asText());
        }
        return ids;
    }

    /** The messages the restarted gateway took off the queue, one file each. */
    private static List<Path> jsonFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).toList();
        }
    }
}
