package io.wxgate.ops;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %m} / {@code %msg} / {@code %message} in logback-spring.xml: the message with its secrets masked. */
public final class MaskingMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return SecretMasking.mask(event.getFormattedMessage());
    }
}
