package io.wxgate.send;

import java.time.Clock;

import io.wxgate.message.WeChatMessage;
import io.wxgate.ops.LogContext;
import io.wxgate.store.SendRecord;
import io.wxgate.store.SendStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns WeChat's TEMPLATESENDJOBFINISH report into the send's final status, matched by MsgID (SPEC §5). */
public final class DeliveryReports {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryReports.class);

    private final SendStore store;
    private final Clock clock;

    public DeliveryReports(SendStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void report(WeChatMessage event) {
        String msgId = event.getTemplateMsgId();
        if (msgId == null || !msgId.matches("\\d{1,19}")) {
            return;
        }
        store.findByMsgid(Long.parseLong(msgId)).ifPresentOrElse(
                record -> {
                    SendRecord done = store.update(record.id(), r -> r.finished(event.getStatus(), clock.instant()))
                            .orElse(record);
                    if (LOG.isDebugEnabled()) {
                        try (LogContext context = LogContext.send(record.id())) {
                            LOG.debug("WeChat reports msgid {}: {}, {}", msgId, done.status(), event.getStatus());
                        }
                    }
                },
                () -> LOG.debug("TEMPLATESENDJOBFINISH for msgid {} matches no send of this gateway", msgId));
    }
}
