package io.wxgate.config;

/**
 * The three WeChat send APIs (SPEC §4–§5) and the names that go with each. Everything that differs between them
 * is here; the rest of the code asks an api instead of comparing strings. It lives beside the settings, not in
 * send/, because the settings, the metrics and the cluster topology name its queues and keys too.
 */
public enum SendApi {

    TEMPLATE("template", "/cgi-bin/message/template/send", "template-messages", true),
    CUSTOM("custom", "/cgi-bin/message/custom/send", "custom-messages", false),
    SUBSCRIBE("subscribe", "/cgi-bin/message/subscribe/bizsend", "subscribe-messages", false);

    private final String key;
    private final String wechatPath;
    private final String resource;
    private final boolean dedupedByClientMsgId;

    SendApi(String key, String wechatPath, String resource, boolean dedupedByClientMsgId) {
        this.key = key;
        this.wechatPath = wechatPath;
        this.resource = resource;
        this.dedupedByClientMsgId = dedupedByClientMsgId;
    }

    /** The name in configuration keys, queue URIs ({@code {api}}), send records and metrics tags. */
    public String key() {
        return key;
    }

    /** The WeChat API called, under each base URL. */
    public String wechatPath() {
        return wechatPath;
    }

    /** The collection under {@code /api/v1/}. */
    public String resource() {
        return resource;
    }

    /** The durable queue's name after its prefix ({@code wechat.} by default): {@code send.template} etc. */
    public String queue() {
        return "send." + key;
    }

    /** The in-JVM producer endpoint (SPEC §4). */
    public String endpoint() {
        return "direct:wechat-send-" + key;
    }

    /**
     * Only templates: WeChat drops a repeat that carries the same {@code client_msg_id}, so a template may be
     * sent again after a timeout or a crash without reaching the user twice. Any other send whose outcome is
     * unknown is not repeated (WxJava#2098).
     */
    public boolean dedupedByClientMsgId() {
        return dedupedByClientMsgId;
    }
}
