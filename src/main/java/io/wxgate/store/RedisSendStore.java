package io.wxgate.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import io.wxgate.message.Json;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.RedisOperations;
import org.springframework.data.redis.core.SessionCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Send records shared by every instance, so a send accepted by one is visible through all. Updates are
 * optimistic transactions (WATCH/MULTI), retried when another instance changed the record in between.
 * Records are found by the gateway's own id, unique across accounts, under the default account's keys (where they
 * were before the gateway served several accounts); the msgid index is per account, as WeChat numbers msgids.
 *
 * @param keys the default account's keys
 * @param ttl  how long a record is kept after its last change
 */
public record RedisSendStore(StringRedisTemplate redis, RedisKeys keys, Duration ttl) implements SendStore {

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

    private String msgidKey(String appid, long msgid) {
        return new RedisKeys(keys.prefix(), appid).of("send-msgid", Long.toString(msgid));
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
    public Optional<SendRecord> findByMsgid(String appid, long msgid) {
        return Optional.ofNullable(redis.opsForValue().get(msgidKey(appid, msgid)))
                .flatMap(this::find).filter(r -> appid.equals(r.appid()));
    }

    /** Reads the failed index a page at a time, so one account's many dead letters do not hide another's. */
    @Override
    public List<SendRecord> failed(int limit, Predicate<SendRecord> which) {
        List<SendRecord> result = new ArrayList<>();
        for (long start = 0; result.size() < limit; start += limit) {
            Set<String> ids = redis.opsForZSet().reverseRange(keys.of("sends-failed"), start, start + limit - 1L);
            if (ids == null || ids.isEmpty()) {
                break;
            }
            for (String id : ids) {
                find(id).filter(r -> SendRecord.FAILED.equals(r.status())).filter(which)
                        .filter(r -> result.size() < limit).ifPresent(result::add);
            }
        }
        return result;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void index(RedisOperations ops, SendRecord record) {
        if (record.msgid() != null) {
            ops.opsForValue().set(msgidKey(record.appid(), record.msgid()), record.id(), ttl);
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
            return Json.MAPPER.readValue(text, SendRecord.class).withAccountOr(keys.appId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
