package io.wxgate.testkit;

import java.util.concurrent.atomic.AtomicLong;

/** WeChat callback XML as WeChat sends it (wechat-protocol.md §2). */
public final class Samples {

    public static final String ACCOUNT = "gh_test_account";
    private static final AtomicLong MSG_IDS = new AtomicLong(System.currentTimeMillis() * 1000);

    private Samples() {
    }

    public static String newMsgId() {
        return Long.toString(MSG_IDS.incrementAndGet());
    }

    public static String text(String fromUser, String content, String msgId) {
        return "<xml><ToUserName><![CDATA[" + ACCOUNT + "]]></ToUserName><FromUserName><![CDATA[" + fromUser
                + "]]></FromUserName><CreateTime>" + CallbackDriver.now() + "</CreateTime><MsgType><![CDATA[text]]>"
                + "</MsgType><Content><![CDATA[" + content + "]]></Content><MsgId>" + msgId + "</MsgId></xml>";
    }

    public static String text(String content) {
        return text("o-user-" + newMsgId(), content, newMsgId());
    }

    public static String event(String fromUser, long createTime, String event, String eventKey) {
        return "<xml><ToUserName><![CDATA[" + ACCOUNT + "]]></ToUserName><FromUserName><![CDATA[" + fromUser
                + "]]></FromUserName><CreateTime>" + createTime + "</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                + "<Event><![CDATA[" + event + "]]></Event>"
                + (eventKey == null ? "" : "<EventKey><![CDATA[" + eventKey + "]]></EventKey>") + "</xml>";
    }

    /** WeChat's report on a template send (wechat-protocol.md §2): Status success or a failure reason. */
    public static String templateSendJobFinish(String user, long msgid, String status) {
        return "<xml><ToUserName><![CDATA[" + ACCOUNT + "]]></ToUserName><FromUserName><![CDATA[" + user
                + "]]></FromUserName><CreateTime>" + CallbackDriver.now() + "</CreateTime><MsgType><![CDATA[event]]>"
                + "</MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>" + msgid + "</MsgID>"
                + "<Status><![CDATA[" + status + "]]></Status></xml>";
    }

    public static String user() {
        return "o-user-" + newMsgId();
    }
}
