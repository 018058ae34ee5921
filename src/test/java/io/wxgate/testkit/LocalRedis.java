package io.wxgate.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The machine's real Redis for a test class, under a key prefix of its own run; {@link #close()} removes only the
 * keys under that prefix, so runs and other users of the same Redis never meet.
 */
public final class LocalRedis implements AutoCloseable {

    private final LettuceConnectionFactory factory;
    private final StringRedisTemplate redis;
    private final String prefix = "wxgate-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";

    public LocalRedis() {
        factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        factory.afterPropertiesSet();
        redis = new StringRedisTemplate(factory);
        redis.afterPropertiesSet();
    }

    public StringRedisTemplate template() {
        return redis;
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public void close() {
        try (var cursor = redis.scan(ScanOptions.scanOptions().match(prefix + "*").count(500).build())) {
            List<String> mine = new ArrayList<>();
            cursor.forEachRemaining(mine::add);
            if (!mine.isEmpty()) {
                redis.delete(mine);
            }
        }
        factory.destroy();
    }
}
