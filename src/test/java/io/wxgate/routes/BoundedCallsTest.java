package io.wxgate.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3: an HTTP call from a route is bounded, and one downstream that accepts and never answers cannot take
 * every worker running routes (the tests run 8, with 2 connections per endpoint): other messages keep getting their
 * replies while it hangs, and the messages that called it are kept as dead letters, not lost.
 */
class BoundedCallsTest extends GatewayTest {

    private static final Path DEAD_LETTERS = DATA.resolve("dead-letters/inbound");
    private static final String HELP_REPLY = "Reply 'hours'";

    @Test
    void aHungDownstreamLeavesOtherMessagesTheirReplies() throws Exception {
        int before = SILENT.accepted();
        List<String> hungIds = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(12);
        try {
            // given ten messages whose route calls the silent service: more than the workers
            List<CompletableFuture<HttpResponse<String>>> hung = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String msgId = Samples.newMsgId();
                hungIds.add(msgId);
                var delivery = driver.delivery(Mode.PLAIN, Samples.text("o-hang-" + msgId, "hang", msgId));
                hung.add(CompletableFuture.supplyAsync(() -> driver.send(delivery), senders));
            }
            CallbackDriver.sleep(Duration.ofMillis(300));

            // when other users write while those hang, then they get their keyword replies
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> help = driver.send(driver.delivery(Mode.PLAIN, Samples.text("help")));
                assertThat(help.statusCode()).isEqualTo(200);
                assertThat(help.body()).as("reply %d while the downstream hangs", i).contains(HELP_REPLY);
            }

            // and the hung ones are answered in time (success: no reply) and held no more than their connections
            for (CompletableFuture<HttpResponse<String>> answer : hung) {
                assertThat(answer.get().statusCode()).isEqualTo(200);
                assertThat(answer.get().body()).doesNotContain("the silent service answered");
            }
            assertThat(SILENT.accepted() - before).isLessThanOrEqualTo(SILENT_CONNECTIONS);
        } finally {
            senders.shutdownNow();
        }
        // and every message that called it is kept, to be replayed once the service is back
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(deadLettersHolding(hungIds)).hasSize(hungIds.size()));
    }

    private static List<String> deadLettersHolding(List<String> msgIds) {
        if (!Files.isDirectory(DEAD_LETTERS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(DEAD_LETTERS)) {
            List<String> found = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                String json = Files.readString(f);
                msgIds.stream().filter(json::contains).forEach(found::add);
            }
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
