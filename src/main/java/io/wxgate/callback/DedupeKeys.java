package io.wxgate.callback;

import io.wxgate.message.WeChatMessage;

/**
 * The key under which WeChat's retries of one delivery are recognised (SPEC §2, wechat-protocol.md §3).
 * Messages carry MsgId. Events have none: WeChat's own key is FromUserName + CreateTime, to which the event's
 * identity is added so that two different events from one user in one second are not merged (WxJava#1745).
 */
public final class DedupeKeys {

    private DedupeKeys() {
    }

    /** Keys start with the account's AppId: the same MsgId on two accounts is two messages (SPEC §7). */
    public static String keyOf(String appId, WeChatMessage m) {
        StringBuilder key = new StringBuilder(96).append(appId);
        if (m.getMsgId() != null && !m.getMsgId().isEmpty()) {
            return key.append("|m|").append(m.getMsgId()).toString();
        }
        key.append("|e|").append(m.getFromUserName()).append('|').append(m.getCreateTime()).append('|')
                .append(m.eventPush() ? m.getEvent() : m.getMsgType()).append('|').append(nullToEmpty(m.getEventKey()));
        if (m.getTemplateMsgId() != null) {
            // Two TEMPLATESENDJOBFINISH reports in one second differ only by MsgID.
            key.append('|').append(m.getTemplateMsgId());
        }
        return key.toString();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
