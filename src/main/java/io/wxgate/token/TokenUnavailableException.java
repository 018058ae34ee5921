package io.wxgate.token;

/**
 * No access_token could be had in time: another instance's fetch outlasted the wait. Transient, like WeChat's
 * busy answer, and retried with the same backoff (wechat.send.backoff).
 */
public class TokenUnavailableException extends RuntimeException {

    /** How a send's status and the API report it: WeChat's own "system busy", which is retried the same way. */
    public static final int ERRCODE = -1;

    public TokenUnavailableException(String reason) {
        super(reason, null, false, false);
    }
}
