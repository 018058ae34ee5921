package io.wxgate.send;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;

import io.wxgate.account.Accounts;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The per-API throttle holds its configured rate however many callers push at once. */
class ThrottleTest extends GatewayTest {

    private static final String SUBSCRIBE = "/cgi-bin/message/subscribe/bizsend";

    @Autowired
    ProducerTemplate producer;

    /** {@code count} subscribe sends at once, the i-th for account {@code appIdOf(i)} (null: the default account). */
    private void sendAtOnce(int count, IntFunction<String> appIdOf) {
        ExecutorService callers = Executors.newFixedThreadPool(count);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                String user = Samples.user();
                SIMULATOR.grantSubscribe(user, "tmpl-sub", 1);
                String json = "{\"touser\":\"" + user + "\",\"template_id\":\"tmpl-sub\","
                        + "\"data\":{\"thing1\":{\"value\":\"x\"}}}";
                String appId = appIdOf.apply(i);
                all.add(CompletableFuture.runAsync(() -> producer.requestBodyAndHeader("direct:wechat-send-subscribe",
                        json, Accounts.APP_ID_HEADER, appId), callers));
            }
            all.forEach(CompletableFuture::join);
        } finally {
            callers.shutdown();
        }
    }

    @Test
    void subscribeSendsNeverExceedTheirRateInAnyOneSecond() {
        resetWeChat();
        int sends = SUBSCRIBE_RATE * 3;
        sendAtOnce(sends, i -> null);

        List<Instant> at = SIMULATOR.calls(SUBSCRIBE).stream().map(c -> c.at()).sorted().toList();
        assertThat(at).as("calls: %s", SIMULATOR.calls(SUBSCRIBE).stream().map(c -> c.status() + " " + c.answer()).toList())
                .hasSize(sends);
        int busiest = 0;
        for (int i = 0; i < at.size(); i++) {
            int inWindow = 0;
            for (Instant t : at) {
                if (!t.isBefore(at.get(i)) && t.isBefore(at.get(i).plus(Duration.ofMillis(900)))) {
                    inWindow++;
                }
            }
            busiest = Math.max(busiest, inWindow);
        }
        // Timing on a shared machine is loose: allow one call of slack, and a generous lower bound on the spread.
        assertThat(busiest).isLessThanOrEqualTo(SUBSCRIBE_RATE + 1);
        assertThat(Duration.between(at.get(0), at.get(at.size() - 1))).isGreaterThan(Duration.ofMillis(1500));
    }

    @Test
    void eachAccountHasAThrottleOfItsOwn() {
        resetWeChat();
        // Let the previous test's reservations run out, so each account's bucket holds its token.
        try {
            Thread.sleep(1200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int perAccount = 3;
        sendAtOnce(2 * perAccount, i -> i % 2 == 0 ? APP_ID : SECOND_APP_ID);

        // Each account's calls are 1/rate apart: its three take 0.4 s, and both accounts' go out side by side. One
        // bucket for both would space all six: a whole second.
        List<Instant> at = SIMULATOR.calls(SUBSCRIBE).stream().map(c -> c.at()).sorted().toList();
        assertThat(at).hasSize(2 * perAccount);
        assertThat(Duration.between(at.get(0), at.get(at.size() - 1))).isLessThan(Duration.ofMillis(800));
    }
}
