package io.wxgate.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Send records, kept across restarts for the retention ({@code wechat.send.record-retention}) after their last
 * change: an embedded SQLite database by default, Redis in cluster mode.
 */
public interface SendStore {

    /** Stores a new record; false when one with this id exists already (a redelivered queue message). */
    boolean create(SendRecord record);

    Optional<SendRecord> find(String id);

    /** Applies a change to the stored record atomically; empty when there is no such record. */
    Optional<SendRecord> update(String id, UnaryOperator<SendRecord> change);

    /**
     * The send WeChat numbered {@code msgid} for account {@code appid} (the MsgID of TEMPLATESENDJOBFINISH). WeChat
     * numbers msgids per account, so two accounts may each have a send with the same one.
     */
    Optional<SendRecord> findByMsgid(String appid, long msgid);

    /** Failed sends that {@code which} accepts, newest first, at most {@code limit}. */
    List<SendRecord> failed(int limit, Predicate<SendRecord> which);

    /** The sends {@code query} asks for, newest first (by the time each was accepted), one page at a time. */
    SendPage list(SendQuery query);

    /** Removes what the retention let lapse, and what indexes it; returns how many records were removed. */
    int sweep();
}
