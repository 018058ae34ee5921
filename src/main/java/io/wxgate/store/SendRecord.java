package io.wxgate.store;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the gateway knows about one send (SPEC §5): queued → sent (WeChat accepted it, msgid known) →
 * delivered / failed (TEMPLATESENDJOBFINISH), or failed straight away. The request is kept for replay.
 *
 * @param appid    the official account it is sent for (SPEC §7); WeChat numbers msgids per account
 * @param api      template, custom or subscribe
 * @param attempts calls made to WeChat for this send
 * @param inFlight a call to WeChat was started and its outcome is not recorded yet; found so after a restart,
 *                 the send may or may not have reached the user
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SendRecord(
        String id,
        String appid,
        String api,
        String status,
        Long msgid,
        Integer errcode,
        String errmsg,
        int attempts,
        String request,
        Instant createdAt,
        Instant updatedAt,
        boolean inFlight) {

    public static final String QUEUED = "queued";
    public static final String SENT = "sent";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";

    public static SendRecord queued(String id, String appid, String api, String request, Instant now) {
        return new SendRecord(id, appid, api, QUEUED, null, null, null, 0, request, now, now, false);
    }

    public SendRecord sent(long newMsgid, int moreAttempts, Instant now) {
        return new SendRecord(id, appid, api, SENT, newMsgid == 0 ? null : newMsgid, 0, "ok", attempts + moreAttempts, request,
                createdAt, now, false);
    }

    public SendRecord failed(Integer code, String message, int moreAttempts, Instant now) {
        return new SendRecord(id, appid, api, FAILED, msgid, code, message, attempts + moreAttempts, request, createdAt, now,
                false);
    }

    /** TEMPLATESENDJOBFINISH: {@code success}, or a reason such as {@code failed:user block}. */
    public SendRecord finished(String wechatStatus, Instant now) {
        boolean ok = "success".equals(wechatStatus);
        return new SendRecord(id, appid, api, ok ? DELIVERED : FAILED, msgid, errcode, ok ? errmsg : wechatStatus, attempts,
                request, createdAt, now, inFlight);
    }

    public SendRecord requeued(Instant now) {
        return new SendRecord(id, appid, api, QUEUED, null, null, null, attempts, request, createdAt, now, false);
    }

    /** A record written before sends carried their account belongs to the default account. */
    public SendRecord withAccountOr(String defaultAppid) {
        return appid != null ? this : new SendRecord(id, defaultAppid, api, status, msgid, errcode, errmsg, attempts,
                request, createdAt, updatedAt, inFlight);
    }

    /** Marked before each call to WeChat, so a crash during the call is recognised after a restart. */
    public SendRecord calling(Instant now) {
        return new SendRecord(id, appid, api, status, msgid, errcode, errmsg, attempts, request, createdAt, now, true);
    }
}
