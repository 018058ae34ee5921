package io.wxgate.send;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.wxgate.config.SendProperties;

/** The errcode → behaviour table of SPEC §4, read from {@code wechat.send.errcodes}. */
public final class ErrcodeTable {

    /** What the send routes do about an errcode; each has one onException clause. */
    public enum Behaviour { REFRESH_TOKEN, BACKOFF, FALLBACK_TEMPLATE, FALLBACK_TO_TEMPLATE, PERMANENT, ALERT }

    private final Map<Integer, Behaviour> behaviours = new HashMap<>();

    public ErrcodeTable(SendProperties.Errcodes errcodes) {
        put(errcodes.refreshToken(), Behaviour.REFRESH_TOKEN);
        put(errcodes.backoff(), Behaviour.BACKOFF);
        put(errcodes.fallbackTemplate(), Behaviour.FALLBACK_TEMPLATE);
        put(errcodes.fallbackToTemplate(), Behaviour.FALLBACK_TO_TEMPLATE);
        put(errcodes.permanent(), Behaviour.PERMANENT);
        put(errcodes.alert(), Behaviour.ALERT);
    }

    private void put(List<Integer> codes, Behaviour behaviour) {
        codes.forEach(code -> behaviours.put(code, behaviour));
    }

    /** Unlisted errcodes are permanent: retrying what nobody classified risks duplicates and quota. */
    public Behaviour behaviourOf(int errcode) {
        return behaviours.getOrDefault(errcode, Behaviour.PERMANENT);
    }

    public WeChatApiException exceptionFor(int errcode, String errmsg, String api) {
        return switch (behaviourOf(errcode)) {
            case REFRESH_TOKEN -> new TokenRejectedException(errcode, errmsg, api);
            case BACKOFF -> new WeChatBusyException(errcode, errmsg, api);
            case FALLBACK_TEMPLATE -> new TemplateRejectedException(errcode, errmsg, api);
            case FALLBACK_TO_TEMPLATE -> new CustomWindowClosedException(errcode, errmsg, api);
            case PERMANENT -> new PermanentSendException(errcode, errmsg, api);
            case ALERT -> new OperatorAlertException(errcode, errmsg, api);
        };
    }
}
