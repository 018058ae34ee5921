package io.wxgate.store;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Send records, kept across restarts: a directory by default, Redis in cluster mode. */
public interface SendStore {

    /** Stores a new record; false when one with this id exists already (a redelivered queue message). */
    boolean create(SendRecord record);

    Optional<SendRecord> find(String id);

    /** Applies a change to the stored record atomically; empty when there is no such record. */
    Optional<SendRecord> update(String id, UnaryOperator<SendRecord> change);

    /** The send WeChat numbered {@code msgid} (the MsgID of TEMPLATESENDJOBFINISH). */
    Optional<SendRecord> findByMsgid(long msgid);

    /** Failed sends, newest first, at most {@code limit}. */
    List<SendRecord> failed(int limit);
}
