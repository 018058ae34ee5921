package io.wxgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dedupe window of one JVM: the idempotent consumer's repository and the first replies in one entry. The first
 * five tests are those of the two stores it replaced (ExpiringIdempotentRepositoryTest, LocalFirstReplyStoreTest),
 * their assertions unchanged; the window is now waited out on a test clock instead of in real time, one second longer
 * since entries end on whole seconds.
 */
class LocalDedupeWindowTest {

    private static final Duration WINDOW = Duration.ofMinutes(10);

    private final AtomicLong nanos = new AtomicLong();
    private final ExecutorService pool = Executors.newFixedThreadPool(16);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void exactlyOneOfManyConcurrentAddsOfOneKeyWins() throws Exception {
        LocalDedupeWindow repository = new LocalDedupeWindow(Duration.ofMinutes(1));
        for (int round = 0; round < 200; round++) {
            String key = "k" + round;
            List<Future<Boolean>> adds = race(16, () -> repository.add(key));
            int winners = 0;
            for (Future<Boolean> f : adds) {
                winners += f.get() ? 1 : 0;
            }
            assertThat(winners).as("winners for %s", key).isEqualTo(1);
        }
    }

    @Test
    void aKeyIsForgottenAfterTheWindow() {
        LocalDedupeWindow repository = new LocalDedupeWindow(Duration.ofMillis(50), nanos::get);
        assertThat(repository.add("k")).isTrue();
        assertThat(repository.add("k")).isFalse();

        wait(Duration.ofMillis(1_120));

        assertThat(repository.contains("k")).isFalse();
        assertThat(repository.add("k")).isTrue();
    }

    @Test
    void aRemovedKeyCanBeAddedAgain() {
        LocalDedupeWindow repository = new LocalDedupeWindow(Duration.ofMinutes(1));
        repository.add("k");

        assertThat(repository.remove("k")).isTrue();
        assertThat(repository.add("k")).isTrue();
    }

    @Test
    void theFirstAnswerOfferedWinsAndEveryWaiterSeesIt() {
        LocalDedupeWindow store = new LocalDedupeWindow(Duration.ofMinutes(1));
        var waiter = store.replyFor("k");

        assertThat(store.offer("k", "")).isTrue();
        assertThat(store.offer("k", "<xml>late</xml>")).isFalse();
        assertThat(waiter.join()).isEmpty();
        assertThat(store.replyFor("k").join()).isEmpty();
    }

    @Test
    void aRetryAskingBeforeTheFirstDeliveryStillSeesItsAnswer() {
        LocalDedupeWindow store = new LocalDedupeWindow(Duration.ofMinutes(1));
        var retry = store.replyFor("k");

        store.offer("k", "<xml>reply</xml>");

        assertThat(retry.join()).isEqualTo("<xml>reply</xml>");
    }

    @Test
    void aRetryNineMinutesLaterIsRecognisedAndGetsTheFirstReply() {
        LocalDedupeWindow window = new LocalDedupeWindow(WINDOW, nanos::get);
        String reply = "<xml><Content><![CDATA[营业时间 9:00–18:00]]></Content></xml>";
        assertThat(window.add("wx|m|1")).isTrue();
        window.replyFor("wx|m|1");
        window.offer("wx|m|1", reply);

        wait(Duration.ofMinutes(9));

        assertThat(window.add("wx|m|1")).as("a retry after 9 minutes is a duplicate").isFalse();
        assertThat(window.replyFor("wx|m|1").join()).isEqualTo(reply);
    }

    @Test
    void aDeliveryIsHeldForTheWholeWindowAndForgottenWithinASecondAfterIt() {
        LocalDedupeWindow window = new LocalDedupeWindow(WINDOW, nanos::get);
        nanos.set(Duration.ofMillis(700).toNanos());
        window.add("wx|m|2");
        window.offer("wx|m|2", "<xml>first</xml>");

        wait(WINDOW.minusMillis(1));
        assertThat(window.contains("wx|m|2")).as("one millisecond before the window ends").isTrue();
        assertThat(window.replyFor("wx|m|2").join()).isEqualTo("<xml>first</xml>");

        wait(Duration.ofSeconds(1));
        assertThat(window.contains("wx|m|2")).as("a second after the window").isFalse();
        assertThat(window.add("wx|m|2")).isTrue();
        assertThat(window.replyFor("wx|m|2")).as("a new delivery waits for its own answer").isNotDone();
    }

    @Test
    void ofTwoRacingDeliveriesOneIsProcessedAndBothGetItsReply() throws Exception {
        LocalDedupeWindow window = new LocalDedupeWindow(WINDOW);
        for (int round = 0; round < 500; round++) {
            String key = "wx|m|race" + round;
            String reply = "<xml>reply " + round + "</xml>";
            // Each delivery does what the callback route does: claim, process if first, wait for the first reply.
            List<Future<String>> answers = race(2, () -> {
                boolean first = window.add(key);
                CompletableFuture<String> answer = window.replyFor(key);
                if (first) {
                    window.offer(key, reply);
                }
                return (first ? "processed " : "retry ") + answer.join();
            });
            List<String> got = List.of(answers.get(0).get(), answers.get(1).get());
            assertThat(got).as("round %d", round)
                    .containsExactlyInAnyOrder("processed " + reply, "retry " + reply);
        }
    }

    @Test
    void whenTheRoutesAndTheDeadlineRaceTheLoserFindsTheWinnersAnswerAlreadyThere() throws Exception {
        LocalDedupeWindow window = new LocalDedupeWindow(WINDOW);
        for (int round = 0; round < 500; round++) {
            String key = "wx|m|deadline" + round;
            window.add(key);
            CompletableFuture<String> first = window.replyFor(key);
            // InboundDispatcher: a deadline that loses reads the answer with getNow, so it must be complete by then.
            Callable<String> routes = () -> window.offer(key, "<xml>reply</xml>") ? "won <xml>reply</xml>"
                    : "lost, found " + first.getNow(null);
            Callable<String> deadline = () -> window.offer(key, "") ? "won " : "lost, found " + first.getNow(null);
            List<Future<String>> settled = race(List.of(routes, deadline));
            String a = settled.get(0).get();
            String b = settled.get(1).get();
            assertThat(List.of(a, b)).as("round %d", round).filteredOn(s -> s.startsWith("won")).hasSize(1);
            String winner = a.startsWith("won") ? a.substring(4) : b.substring(4);
            String loser = a.startsWith("won") ? b : a;
            assertThat(loser).isEqualTo("lost, found " + winner);
            assertThat(window.replyFor(key).join()).isEqualTo(winner);
        }
    }

    @Test
    void aPassiveReplyComesBackCharacterForCharacter() {
        LocalDedupeWindow window = new LocalDedupeWindow(WINDOW);
        String reply = "<xml><ToUserName><![CDATA[o-用户]]></ToUserName><Content><![CDATA[欢迎关注 😀 "
                + "Reply 'hours']]></Content></xml>";
        window.add("k");
        window.offer("k", reply);

        assertThat(window.replyFor("k").join()).isEqualTo(reply);
        assertThat(window.offer("k", "")).isFalse();
    }

    @Test
    void aDeliveryAnsweredWhileNobodyWaitedIsAnsweredForItsRetries() {
        LocalDedupeWindow window = new LocalDedupeWindow(WINDOW);
        window.add("k");

        assertThat(window.offer("k", "")).isTrue();

        assertThat(window.add("k")).isFalse();
        assertThat(window.replyFor("k").join()).isEmpty();
    }

    @Test
    void clearForgetsEveryDelivery() {
        LocalDedupeWindow window = new LocalDedupeWindow(WINDOW);
        for (int i = 0; i < 1000; i++) {
            window.add("k" + i);
        }

        window.clear();

        assertThat(window.size()).isZero();
        assertThat(window.add("k7")).isTrue();
    }

    private void wait(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private <T> List<Future<T>> race(int racers, Callable<T> each) {
        List<Callable<T>> all = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            all.add(each);
        }
        return race(all);
    }

    /** Starts every racer at once, each on its own thread. */
    private <T> List<Future<T>> race(List<Callable<T>> racers) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> all = new ArrayList<>();
        for (Callable<T> racer : racers) {
            all.add(pool.submit(() -> {
                start.await();
                return racer.call();
            }));
        }
        start.countDown();
        return all;
    }
}
