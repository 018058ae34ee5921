package io.wxgate.ops;

import org.slf4j.MDC;

/**
 * Names the piece of work the log lines of this thread belong to, in SLF4J's MDC: one inbound WeChat message, one
 * send. Opened where that work starts and closed where it ends on the same thread (try-with-resources): inbound
 * workers and queue consumers are pooled, and an id left behind would tag the next message's lines.
 *
 * <p>Scopes nest: closing one puts back the id it replaced, so a send started while handling a message (a late
 * reply) leaves the message's id in place.
 */
public final class LogContext implements AutoCloseable {

    /** MDC key: the MsgId of the inbound message being handled; for an event, which has none, its dedupe key. */
    public static final String MSG_ID = "msgId";
    /** MDC key: the id of the send being handled, the one {@code GET /api/v1/…-messages/{id}} takes. */
    public static final String SEND_ID = "sendId";

    private static final LogContext NOTHING = new LogContext(null, null);

    private final String key;
    private final String replaced;

    private LogContext(String key, String replaced) {
        this.key = key;
        this.replaced = replaced;
    }

    public static LogContext message(String msgId) {
        return open(MSG_ID, msgId);
    }

    public static LogContext send(String sendId) {
        return open(SEND_ID, sendId);
    }

    /** A scope for {@code id} under {@code key}; an unknown (null) id opens none. */
    public static LogContext open(String key, String id) {
        if (id == null) {
            return NOTHING;
        }
        String replaced = MDC.get(key);
        MDC.put(key, id);
        return new LogContext(key, replaced);
    }

    @Override
    public void close() {
        if (key == null) {
            return;
        }
        if (replaced == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, replaced);
        }
    }
}
