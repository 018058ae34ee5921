package io.wxgate.store;

import java.time.Duration;
import java.util.Base64;

import org.springframework.data.redis.core.StringRedisTemplate;

/** The plain-mode nonce binding of {@link NonceRegistry}, shared by every instance. */
public record RedisNonceRegistry(StringRedisTemplate redis, RedisKeys keys, Duration window) implements NonceRegistry {

    @Override
    public boolean bind(String timestampAndNonce, byte[] bodySha256) {
        String key = keys.of("nonce", timestampAndNonce);
        String bodyDigest = Base64.getEncoder().encodeToString(bodySha256);
        if (Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(key, bodyDigest, window))) {
            return true;
        }
        return bodyDigest.equals(redis.opsForValue().get(key));
    }
}
