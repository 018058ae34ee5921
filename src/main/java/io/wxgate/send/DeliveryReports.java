package io.wxgate.send;

import java.time.Clock;

import io.wxgate.account.Accounts;
import io.wxgate.message.WeChatMessage;
import io.wxgate.ops.LogContext;
import io.wxgate.store.SendRecord;
import io.wxgate.store.SendStore;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns WeChat's TEMPLATESENDJOBFINISH report into the send's final status, matched by the account it was posted for
 * and its MsgID (SPEC §5, §7): WeChat numbers msgids per account, so the MsgID alone may name another account's send.
 */
public record DeliveryReports(SendStore store, Accounts accounts, Clock clock) {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryReports.class);

    /** @param appId the account the callback was posted for; absent means the default account */
    public void report(@Body WeChatMessage event, @Header(Accounts.APP_ID_HEADER) String appId) {
        String msgId = event.getTemplateMsgId();
        if (msgId == null || !msgId.matches("\\d{1,19}")) {
            return;
        }
        String account = appId == null || appId.isEmpty() ? accounts.defaultAccount().appId() : appId;
        if (accounts.find(account).isEmpty()) {
            LOG.debug("TEMPLATESENDJOBFINISH for msgid {} names no account in force", msgId);
            return;
        }
        store.findByMsgid(account, Long.parseLong(msgId)).ifPresentOrElse(
                record -> {
                    SendRecord done = store.update(record.id(), r -> r.finished(event.getStatus(), clock.instant()))
                            .orElse(record);
                    if (LOG.isDebugEnabled()) {
                        try (LogContext context = LogContext.send(record.id())) {
                            LOG.debug("WeChat reports msgid {}: {}, {}", msgId, done.status(), event.getStatus());
                        }
                    }
                },
                () -> LOG.debug("TEMPLATESENDJOBFINISH for msgid {} matches no send of account {}", msgId, account));
    }
}
