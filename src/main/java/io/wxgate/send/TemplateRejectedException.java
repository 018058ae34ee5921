package io.wxgate.send;

/** The template id is invalid (40037 by default): send the configured fallback template, else fail. */
public class TemplateRejectedException extends WeChatApiException {

    public TemplateRejectedException(int errcode, String errmsg, String api) {
        super(errcode, errmsg, api);
    }
}
