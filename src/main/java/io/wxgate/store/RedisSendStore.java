package io.wxgate.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
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
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;

/**
 * Send records shared by every instance, so a send accepted by one is visible through all. Updates are
 * optimistic transactions (WATCH/MULTI), retried when another instance changed the record in between.
 * Records are found by the gateway's own id, unique across accounts, under the default account's keys (where they
 * were before the gateway served several accounts); the msgid index is per account, as WeChat numbers msgids.
 *
 * <p>Listings read sorted sets of send ids scored by the time each send was accepted, one per status for every
 * account ({@code <prefix><appId>:sends:<status>}) and one per status for all accounts
 * ({@code <prefix><default appId>:sends-all:<status>}); a status change moves the id in the same transaction
 * as the record. A record lapses by its key's TTL; {@link #sweep()} then removes its id from the sets.
 *
 * @param keys the default account's keys
 * @param ttl  how long a record is kept after its last change
 */
public record RedisSendStore(StringRedisTemplate redis, RedisKeys keys, Duration ttl, Clock clock) implements SendStore {

    private static final List<String> STATUSES =
            List.of(SendRecord.QUEUED, SendRecord.SENT, SendRecord.DELIVERED, SendRecord.FAILED);
    /** Ids read from a set at a time, while listing or sweeping. */
    private static final int CHUNK = 200;

    @Override
    public boolean create(SendRecord record) {
        boolean created = Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(keys.of("send", record.id()),
                write(record), ttl));
        if (created) {
            index(redis, null, record);
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
                    SendRecord previous = read(current);
                    SendRecord changed = change.apply(previous);
                    if (changed == null) {
                        ops.unwatch();
                        return Optional.of(previous);
                    }
                    ops.multi();
                    ops.opsForValue().set(key, write(changed), ttl);
                    index(ops, previous, changed);
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

    /** The listing sets of {@code status}: the account's, and all accounts'. */
    private List<String> statusSets(String appid, String status) {
        return List.of(new RedisKeys(keys.prefix(), appid).of("sends", status), keys.of("sends-all", status));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void index(RedisOperations ops, SendRecord previous, SendRecord record) {
        if (previous != null && (!previous.status().equals(record.status()) || !previous.appid().equals(record.appid()))) {
            for (String set : statusSets(previous.appid(), previous.status())) {
                ops.opsForZSet().remove(set, record.id());
            }
        }
        for (String set : statusSets(record.appid(), record.status())) {
            ops.opsForZSet().add(set, record.id(), record.createdAt().toEpochMilli());
            // A set outlives its latest write by the retention, as the records in it do; an account that stops
            // sending leaves nothing behind.
            ops.expire(set, ttl);
        }
        ops.opsForSet().add(keys.of("sends-accounts"), record.appid());
        ops.expire(keys.of("sends-accounts"), ttl);
        if (record.msgid() != null) {
            ops.opsForValue().set(msgidKey(record.appid(), record.msgid()), record.id(), ttl);
        }
        if (SendRecord.FAILED.equals(record.status())) {
            ops.opsForZSet().add(keys.of("sends-failed"), record.id(), record.updatedAt().toEpochMilli());
        } else {
            ops.opsForZSet().remove(keys.of("sends-failed"), record.id());
        }
    }

    /**
     * Merges the sets the query needs (one per status asked for, the account's or all accounts') newest first,
     * reading each a chunk at a time, and keeps the records that still exist and still match: a status that changed
     * after the set was read, or an api filter, is checked on the record itself.
     */
    @Override
    public SendPage list(SendQuery q) {
        List<Source> sources = new ArrayList<>();
        for (String status : q.status() == null ? STATUSES : List.of(q.status())) {
            sources.add(new Source(q.appid() == null ? keys.of("sends-all", status)
                    : new RedisKeys(keys.prefix(), q.appid()).of("sends", status), q));
        }
        List<SendRecord> found = new ArrayList<>();
        while (found.size() <= q.limit()) {
            List<String> ids = new ArrayList<>();
            while (ids.size() < CHUNK) {
                Source newest = sources.stream().filter(Source::hasNext).max(Comparator.naturalOrder()).orElse(null);
                if (newest == null) {
                    break;
                }
                ids.add(newest.next());
            }
            if (ids.isEmpty()) {
                break;
            }
            List<String> texts = redis.opsForValue().multiGet(ids.stream().map(id -> keys.of("send", id)).toList());
            for (String text : texts == null ? List.<String>of() : texts) {
                if (text != null && found.size() <= q.limit()) {
                    SendRecord r = read(text);
                    if (q.matches(r) && (q.after() == null || q.after().isBefore(r))) {
                        found.add(r);
                    }
                }
            }
        }
        if (found.size() <= q.limit()) {
            return new SendPage(found, null);
        }
        List<SendRecord> page = List.copyOf(found.subList(0, q.limit()));
        return new SendPage(page, SendQuery.Position.of(page.get(page.size() - 1)));
    }

    /** One sorted set, read newest first a chunk at a time from the query's upper bound. */
    private final class Source implements Comparable<Source> {
        private final String key;
        private final double min;
        private final double max;
        private final SendQuery.Position after;
        private final List<TypedTuple<String>> buffer = new ArrayList<>();
        private long offset;
        private boolean exhausted;

        private Source(String key, SendQuery q) {
            this.key = key;
            this.after = q.after();
            this.min = q.from() == null ? Double.NEGATIVE_INFINITY : q.from().toEpochMilli();
            double upper = q.to() == null ? Double.POSITIVE_INFINITY : q.to().toEpochMilli() - 1;
            this.max = after == null ? upper : Math.min(upper, after.createdAtMillis());
        }

        boolean hasNext() {
            while (buffer.isEmpty() && !exhausted) {
                Set<TypedTuple<String>> chunk = redis.opsForZSet().reverseRangeByScoreWithScores(key, min, max, offset,
                        CHUNK);
                offset += CHUNK;
                exhausted = chunk == null || chunk.size() < CHUNK;
                if (chunk != null) {
                    for (TypedTuple<String> t : chunk) {
                        // Within the position's millisecond, ids at or above the position's were on earlier pages.
                        if (after == null || t.getScore() < after.createdAtMillis() || t.getValue().compareTo(after.id()) < 0) {
                            buffer.add(t);
                        }
                    }
                }
            }
            return !buffer.isEmpty();
        }

        String next() {
            return buffer.remove(0).getValue();
        }

        @Override
        public int compareTo(Source other) {
            TypedTuple<String> mine = buffer.get(0);
            TypedTuple<String> theirs = other.buffer.get(0);
            int byTime = Double.compare(mine.getScore(), theirs.getScore());
            return byTime != 0 ? byTime : mine.getValue().compareTo(theirs.getValue());
        }
    }

    /**
     * Records lapse by their TTL; this removes from the listing sets the ids accepted more than the retention ago
     * whose record has lapsed (a record changed since, such as a replay, keeps its place while it lives), and from
     * the failed index those that failed more than the retention ago. Returns how many ids left the all-accounts sets.
     */
    @Override
    public int sweep() {
        double cutoff = clock.instant().minus(ttl).toEpochMilli();
        int removed = 0;
        for (String status : STATUSES) {
            removed += removeLapsed(keys.of("sends-all", status), cutoff);
        }
        Set<String> accounts = redis.opsForSet().members(keys.of("sends-accounts"));
        for (String appid : accounts == null ? Set.<String>of() : accounts) {
            for (String status : STATUSES) {
                removeLapsed(new RedisKeys(keys.prefix(), appid).of("sends", status), cutoff);
            }
        }
        redis.opsForZSet().removeRangeByScore(keys.of("sends-failed"), Double.NEGATIVE_INFINITY, cutoff);
        return removed;
    }

    private int removeLapsed(String set, double cutoff) {
        int removed = 0;
        long offset = 0;
        while (true) {
            Set<String> ids = redis.opsForZSet().rangeByScore(set, Double.NEGATIVE_INFINITY, cutoff, offset, CHUNK);
            if (ids == null || ids.isEmpty()) {
                return removed;
            }
            List<String> idList = List.copyOf(ids);
            List<String> texts = redis.opsForValue().multiGet(idList.stream().map(id -> keys.of("send", id)).toList());
            List<Object> gone = new ArrayList<>();
            Iterator<String> text = texts == null ? List.<String>of().iterator() : texts.iterator();
            for (String id : idList) {
                if (!text.hasNext() || text.next() == null) {
                    gone.add(id);
                }
            }
            if (!gone.isEmpty()) {
                Long n = redis.opsForZSet().remove(set, gone.toArray());
                removed += n == null ? 0 : n.intValue();
            }
            // Those still stored stay in the set, ahead of the next chunk.
            offset += idList.size() - gone.size();
            if (idList.size() < CHUNK) {
                return removed;
            }
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
