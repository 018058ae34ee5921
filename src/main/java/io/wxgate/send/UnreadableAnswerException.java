package io.wxgate.send;

/**
 * No errcode could be read: an HTTP error or a body that is not WeChat's JSON, often from a proxy in front of
 * WeChat. Whether WeChat acted on the call is unknown, so only a call WeChat dedupes (a template with its
 * client_msg_id) is repeated.
 */
public class UnreadableAnswerException extends WeChatApiException {

    public UnreadableAnswerException(String errmsg, String api) {
        super(errmsg, api);
    }
}
