package io.wxgate.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Which sends a listing asks for, newest first (by the time each was accepted). Every filter may be null: no filter.
 *
 * @param appid  the account's sends only
 * @param api    template, custom or subscribe
 * @param status queued, sent, delivered or failed
 * @param from   accepted at or after this instant
 * @param to     accepted before this instant
 * @param limit  at most this many sends in the page
 * @param after  the position the previous page ended at: this page starts with the next older send
 */
public record SendQuery(String appid, String api, String status, Instant from, Instant to, int limit, Position after) {

    public SendQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("a listing needs a limit of at least 1");
        }
    }

    /** Whether a record passes every filter but the position. */
    public boolean matches(SendRecord r) {
        return (appid == null || appid.equals(r.appid())) && (api == null || api.equals(r.api()))
                && (status == null || status.equals(r.status()))
                && (from == null || !r.createdAt().isBefore(from)) && (to == null || r.createdAt().isBefore(to));
    }

    /**
     * A place in the newest-first order: sends accepted in the same millisecond are ordered by id. Its text form is
     * the API's opaque cursor.
     */
    public record Position(long createdAtMillis, String id) {

        public static Position of(SendRecord r) {
            return new Position(r.createdAt().toEpochMilli(), r.id());
        }

        /** Whether {@code r} comes after this position in the newest-first order. */
        public boolean isBefore(SendRecord r) {
            long at = r.createdAt().toEpochMilli();
            return at < createdAtMillis || at == createdAtMillis && r.id().compareTo(id) < 0;
        }

        public String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((createdAtMillis + ":" + id).getBytes(StandardCharsets.UTF_8));
        }

        /** Empty for text that is not a cursor this class made. */
        public static Optional<Position> decode(String cursor) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int colon = text.indexOf(':');
                if (colon < 1 || colon == text.length() - 1) {
                    return Optional.empty();
                }
                return Optional.of(new Position(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1)));
            } catch (IllegalArgumentException notACursor) {
                return Optional.empty();
            }
        }
    }
}
