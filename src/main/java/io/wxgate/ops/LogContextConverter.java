package io.wxgate.ops;

import java.util.Map;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %wxgateContext} in logback-spring.xml: {@code [msgId=… sendId=…] } for a line written while the gateway
 * works on a message or a send ({@link LogContext}), nothing at all on other lines.
 */
public final class LogContextConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String msgId = mdc.get(LogContext.MSG_ID);
        String sendId = mdc.get(LogContext.SEND_ID);
        if (msgId == null && sendId == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(64).append('[');
        if (msgId != null) {
            out.append(LogContext.MSG_ID).append('=').append(msgId);
        }
        if (sendId != null) {
            out.append(msgId != null ? " " : "").append(LogContext.SEND_ID).append('=').append(sendId);
        }
        return out.append("] ").toString();
    }
}
