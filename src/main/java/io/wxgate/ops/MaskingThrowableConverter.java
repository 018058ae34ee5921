package io.wxgate.ops;

import ch.qos.logback.classic.spi.IThrowableProxy;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

/**
 * {@code %wEx} in logback-spring.xml: Spring Boot's stack trace, with secrets masked. A library's exception message
 * may quote the URL or body it failed on, access_token included.
 */
public final class MaskingThrowableConverter extends ExtendedWhitespaceThrowableProxyConverter {

    @Override
    protected String throwableProxyToString(IThrowableProxy proxy) {
        return SecretMasking.mask(super.throwableProxyToString(proxy));
    }
}
