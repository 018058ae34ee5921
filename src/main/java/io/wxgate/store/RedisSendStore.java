package io.wxgate.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import io.wxgate.message.Json;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Send records shared by every instance, so a send accepted by one is visible through all. Updates are
 * optimistic transactions (WATCH/MULTI), retried when another instance changed the record in between.
 */
public final class RedisSendStore implements SendStore {

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final Duration ttl;

    /** @param ttl how long a record is kept after its last change */
    public RedisSendStore(StringRedisTemplate redis, RedisKeys keys, Duration ttl) {
        this.redis = redis;
        this.keys = keys;
        this.ttl = ttl;
    }

    @Override
    public boolean create(SendRecord record) {
        boolean created = Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(keys.of("send", record.id()),
                write(record), ttl));
        if (created) {
            index(redis, record);
        }
        return created;
    }

    @Override
    public Optional<SendRecord> find(String id) {
        return Optional.ofNullable(redis.opsForValue().get(keys.of("send", id))).map(this::read);
    }

    @Override
    public Optional<SendRecord> update(String id, UnaryOperator<SendRecord> change) {
        String key = keys.of("send", id);
        for (int attempt = 0; attempt < 50; attempt++) {
            Optional<SendRecord> result = redis.execute(new SessionCallback<Optional<SendRecord>>() {
                @Override
                @SuppressWarnings({"unchecked", "rawtypes"})
                public Optional<SendRecord> execute(RedisOperations ops) throws DataAccessException {
                    ops.watch(key);
                    String current = (String) ops.opsForValue().get(key);
                    if (current == null) {
                        ops.unwatch();
                        return Optional.empty();
                    }
                    SendRecord changed = change.apply(read(current));
                    ops.multi();
                    ops.opsForValue().set(key, write(changed), ttl);
                    index(ops, changed);
                    List<Object> done = ops.exec();
                    return done == null || done.isEmpty() ? null : Optional.of(changed);
                }
            });
            if (result != null) {
                return result;
            }
        }
        throw new IllegalStateException("send record " + id + " kept changing under concurrent updates");
    }

    @Override
    public Optional<SendRecord> findByMsgid(long msgid) {
        return Optional.ofNullable(redis.opsForValue().get(keys.of("send-msgid", Long.toString(msgid))))
                .flatMap(this::find);
    }

    @Override
    public List<SendRecord> failed(int limit) {
        Set<String> ids = redis.opsForZSet().reverseRange(keys.of("sends-failed"), 0, limit - 1L);
        List<SendRecord> result = new ArrayList<>();
        if (ids != null) {
            for (String id : ids) {
                find(id).filter(r -> SendRecord.FAILED.equals(r.status())).ifPresent(result::add);
            }
        }
        return result;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void index(RedisOperations ops, SendRecord record) {
        if (record.msgid() != null) {
            ops.opsForValue().set(keys.of("send-msgid", record.msgid().toString()), record.id(), ttl);
        }
        if (SendRecord.FAILED.equals(record.status())) {
            ops.opsForZSet().add(keys.of("sends-failed"), record.id(), record.updatedAt().toEpochMilli());
        } else {
            ops.opsForZSet().remove(keys.of("sends-failed"), record.id());
        }
    }

    private String write(SendRecord record) {
        try {
            return Json.MAPPER.writeValueAsString(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private SendRecord read(String text) {
        try {
            return Json.MAPPER.readValue(text, SendRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
