package io.wxgate.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

class ExpiringIdempotentRepositoryTest {

    @Test
    void exactlyOneOfManyConcurrentAddsOfOneKeyWins() throws Exception {
        ExpiringIdempotentRepository repository = new ExpiringIdempotentRepository(Duration.ofMinutes(1));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < 200; round++) {
                String key = "k" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> adds = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    Callable<Boolean> add = () -> {
                        start.await();
                        return repository.add(key);
                    };
                    adds.add(pool.submit(add));
                }
                start.countDown();
                int winners = 0;
                for (Future<Boolean> f : adds) {
                    winners += f.get() ? 1 : 0;
                }
                assertThat(winners).as("winners for %s", key).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeyIsForgottenAfterTheWindow() throws Exception {
        ExpiringIdempotentRepository repository = new ExpiringIdempotentRepository(Duration.ofMillis(50));
        assertThat(repository.add("k")).isTrue();
        assertThat(repository.add("k")).isFalse();

        Thread.sleep(120);

        assertThat(repository.contains("k")).isFalse();
        assertThat(repository.add("k")).isTrue();
    }

    @Test
    void aRemovedKeyCanBeAddedAgain() {
        ExpiringIdempotentRepository repository = new ExpiringIdempotentRepository(Duration.ofMinutes(1));
        repository.add("k");

        assertThat(repository.remove("k")).isTrue();
        assertThat(repository.add("k")).isTrue();
    }
}
