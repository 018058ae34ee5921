package io.wxgate.token;

/**
 * No access_token could be had in time: another instance's fetch outlasted the wait. Transient, like WeChat's
 * busy answer, and retried with the same backoff (wechat.send.backoff).
 */
public class TokenUnavailableException extends RuntimeException {

    public TokenUnavailableException(String reason) {
        super(reason, null, false, false);
    }
}
