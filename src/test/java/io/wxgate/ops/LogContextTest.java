package io.wxgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** A log scope names its message or send while open, and leaves the thread as it found it. */
class LogContextTest {

    @AfterEach
    void clean() {
        MDC.clear();
    }

    @Test
    void closingAScopeRemovesItsId() {
        try (LogContext context = LogContext.message("1000001")) {
            assertThat(MDC.get(LogContext.MSG_ID)).isEqualTo("1000001");
        }

        assertThat(MDC.get(LogContext.MSG_ID)).isNull();
    }

    @Test
    void aNestedScopePutsBackTheIdItReplaced() {
        try (LogContext message = LogContext.message("1000001")) {
            try (LogContext send = LogContext.send("s-1"); LogContext again = LogContext.message("1000001")) {
                assertThat(MDC.get(LogContext.SEND_ID)).isEqualTo("s-1");
            }
            assertThat(MDC.get(LogContext.SEND_ID)).isNull();
            assertThat(MDC.get(LogContext.MSG_ID)).isEqualTo("1000001");
        }

        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void anUnknownIdOpensNoScope() {
        try (LogContext context = LogContext.send(null)) {
            assertThat(MDC.get(LogContext.SEND_ID)).isNull();
        }
    }

    @Test
    void thePatternShowsTheIdsOnlyWhenThereAreAny() {
        LogContextConverter converter = new LogContextConverter();

        assertThat(converter.convert(event(Map.of()))).isEmpty();
        assertThat(converter.convert(event(Map.of("other", "x")))).isEmpty();
        assertThat(converter.convert(event(Map.of(LogContext.MSG_ID, "1000001")))).isEqualTo("[msgId=1000001] ");
        assertThat(converter.convert(event(Map.of(LogContext.SEND_ID, "s-1")))).isEqualTo("[sendId=s-1] ");
        assertThat(converter.convert(event(Map.of(LogContext.MSG_ID, "1000001", LogContext.SEND_ID, "s-1"))))
                .isEqualTo("[msgId=1000001 sendId=s-1] ");
    }

    private static LoggingEvent event(Map<String, String> mdc) {
        LoggingEvent event = new LoggingEvent(LogContextTest.class.getName(), new LoggerContext().getLogger("x"),
                Level.INFO, "line", null, null);
        event.setMDCPropertyMap(mdc);
        return event;
    }
}
