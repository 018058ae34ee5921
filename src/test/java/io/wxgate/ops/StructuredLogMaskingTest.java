package io.wxgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

/**
 * JSON log lines, in each format Spring Boot writes (logging.structured.format.console / .file), keep every secret
 * out as the text lines do: in the message and its arguments, in an exception's message, its causes and suppressed
 * exceptions, in SLF4J key-value pairs and MDC entries. Boot's own encoder is used as logback-spring.xml configures
 * it; the masking reaches it only through META-INF/spring.factories.
 */
class StructuredLogMaskingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP_ID = "wx5f2c0a9b7d3e1f46";
    private static final String APP_SECRET = "app-secret-7f3a9c";
    private static final String CALLBACK_TOKEN = "callback-token-51be";
    private static final String ACCESS_TOKEN = "AT-93kd02_x.y";
    private static final String AES_KEY = "Zm9vYmFyYmF6cXV4MDEyMzQ1Njc4OWFiY2RlZmdoaWp";
    private static final String API_KEY = "api-key-6d2e81";
    private static final String PASSWORD = "db-pass-2b7c";
    private static final String BASIC = "dXNlcjpwYXNz";
    private static final List<String> SECRETS =
            List.of(APP_SECRET, CALLBACK_TOKEN, ACCESS_TOKEN, AES_KEY, API_KEY, PASSWORD, BASIC);

    private final LoggerContext context = new LoggerContext();
    private final StructuredLogEncoder encoder = new StructuredLogEncoder();

    @BeforeEach
    void context() {
        MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "wxgate");
        context.putObject(Environment.class.getName(), environment);
        context.setMDCAdapter(new LogbackMDCAdapter());
        encoder.setContext(context);
    }

    @AfterEach
    void stop() {
        encoder.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ecs", "logstash", "gelf"})
    void noSecretReachesAJsonLineAndTheMaskShows(String format) throws Exception {
        encoder.setFormat(format);
        encoder.start();
        List<LoggingEvent> events = List.of(
                event(Level.INFO, "POST /cgi-bin/stable_token {\"grant_type\":\"client_credential\",\"appid\":\"{}\","
                        + "\"secret\":\"{}\",\"force_refresh\":false}", null, APP_ID, APP_SECRET),
                event(Level.DEBUG, ">> POST {}?access_token={} HTTP/1.1", null, "/cgi-bin/message/template/send",
                        ACCESS_TOKEN),
                event(Level.INFO, "<< {\"access_token\":\"{}\",\"expires_in\":7200}", null, ACCESS_TOKEN),
                event(Level.INFO, "GET /api/v1/access-token Authorization: Bearer {}", null, API_KEY),
                event(Level.INFO, "Authorization: Basic {}", null, BASIC),
                event(Level.INFO, "Bound wechat.token={}, wechat.encoding-aes-key={}, gateway.api-key={}", null,
                        CALLBACK_TOKEN, AES_KEY, API_KEY),
                event(Level.INFO, "EncodingAESKey={} WECHAT_APP_SECRET={}", null, AES_KEY, APP_SECRET),
                event(Level.WARN, "Binding failed:\n\n    Property: wechat.encoding-aes-key\n    Value: \"" + AES_KEY
                        + "\"\n    Origin: \"WECHAT_ENCODING_AES_KEY\"", null),
                event(Level.INFO, "sql: jdbc:postgresql://db:5432/app?user=wx&password={}&ssl=true, "
                        + "DATASOURCE_PASSWORD={}", null, PASSWORD, PASSWORD),
                event(Level.ERROR, "Call failed", failure()));
        LoggingEvent pairs = event(Level.INFO, "Sent", null);
        pairs.addKeyValuePair(new KeyValuePair("appSecret", APP_SECRET));
        pairs.addKeyValuePair(new KeyValuePair("encodingAesKey", AES_KEY));
        pairs.addKeyValuePair(new KeyValuePair("request", "POST /send?access_token=" + ACCESS_TOKEN));
        pairs.addKeyValuePair(new KeyValuePair("attempts", 2));
        pairs.addKeyValuePair(new KeyValuePair("answer", Map.of("access_token", ACCESS_TOKEN, "expires_in", 7200)));
        pairs.addKeyValuePair(new KeyValuePair("calls", List.of("GET /cgi-bin/token?secret=" + APP_SECRET)));
        pairs.setMDCPropertyMap(Map.of(LogContext.MSG_ID, "24567890123456789", LogContext.SEND_ID, "9c4fc175",
                "Authorization", "Bearer " + API_KEY, "token", CALLBACK_TOKEN));

        List<JsonNode> lines = new ArrayList<>();
        for (LoggingEvent event : concat(events, pairs)) {
            String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
            assertThat(line).as("one line per event").endsWith("\n").hasLineCount(1);
            JsonNode json = JSON.readTree(line);
            String text = allText(json);
            SECRETS.forEach(secret -> assertThat(line + text).as("%s line of: %s", format, event.getMessage())
                    .doesNotContain(secret));
            assertThat(text).as("%s line of: %s", format, event.getMessage()).contains(SecretMasking.MASK);
            lines.add(json);
        }

        // The message reads as the text line's does.
        for (int i = 0; i < events.size(); i++) {
            assertThat(messageOf(format, lines.get(i)))
                    .isEqualTo(new MaskingMessageConverter().convert(events.get(i)));
        }
        assertThat(allText(lines.get(0))).contains("\"secret\":\"***\"", APP_ID);
        assertThat(allText(lines.get(1))).contains("send?access_token=*** HTTP/1.1");
        assertThat(allText(lines.get(7))).contains("Value: \"***\"");
        String trace = stackTraceOf(format, lines.get(events.size() - 1));
        assertThat(trace).contains("java.lang.IllegalStateException", "&secret=*** failed",
                "Caused by: java.lang.RuntimeException", "\"access_token\":\"***\"", "Suppressed: ",
                "password=***", "StructuredLogMaskingTest");
        JsonNode withPairs = lines.get(lines.size() - 1);
        String prefix = format.equals("gelf") ? "_" : "";
        assertThat(withPairs.get(prefix + "appSecret").asText()).isEqualTo(SecretMasking.MASK);
        assertThat(withPairs.get(prefix + "encodingAesKey").asText()).isEqualTo(SecretMasking.MASK);
        assertThat(withPairs.get(prefix + "request").asText()).isEqualTo("POST /send?access_token=***");
        assertThat(withPairs.get(prefix + "attempts").asInt()).isEqualTo(2);
        assertThat(withPairs.get(prefix + "Authorization").asText()).isEqualTo(SecretMasking.MASK);
        assertThat(withPairs.get(prefix + "answer").get("access_token").asText()).as("an entry of a map")
                .isEqualTo(SecretMasking.MASK);
        assertThat(withPairs.get(prefix + "answer").get("expires_in").asInt()).isEqualTo(7200);
        assertThat(withPairs.get(prefix + "calls").get(0).asText()).as("an element of a list")
                .isEqualTo("GET /cgi-bin/token?secret=***");
        assertThat(withPairs.get(prefix + LogContext.MSG_ID).asText()).as("the message's id, a field of its own")
                .isEqualTo("24567890123456789");
        assertThat(withPairs.get(prefix + LogContext.SEND_ID).asText()).isEqualTo("9c4fc175");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ecs", "logstash", "gelf"})
    void aLineWithoutSecretsIsWrittenAsItIs(String format) throws Exception {
        encoder.setFormat(format);
        encoder.start();
        LoggingEvent event = event(Level.INFO, "Fetched an access_token (stable_token), valid for {} s", null, 7200);

        JsonNode json = JSON.readTree(encoder.encode(event));

        assertThat(messageOf(format, json)).isEqualTo("Fetched an access_token (stable_token), valid for 7200 s");
        assertThat(allText(json)).doesNotContain(SecretMasking.MASK);
    }

    private LoggingEvent event(Level level, String message, Throwable failure, Object... arguments) {
        return new LoggingEvent(getClass().getName(), context.getLogger("test.chatty.library"), level, message,
                failure, arguments.length == 0 ? null : arguments);
    }

    private static Throwable failure() {
        IllegalStateException failure = new IllegalStateException(
                "GET /cgi-bin/token?grant_type=client_credential&appid=" + APP_ID + "&secret=" + APP_SECRET + " failed",
                new RuntimeException("answer {\"access_token\":\"" + ACCESS_TOKEN + "\",\"expires_in\":7200}"));
        failure.addSuppressed(new IllegalArgumentException(
                "jdbc:postgresql://db:5432/app?user=wx&password=" + PASSWORD));
        return failure;
    }

    private static List<LoggingEvent> concat(List<LoggingEvent> events, LoggingEvent last) {
        List<LoggingEvent> all = new ArrayList<>(events);
        all.add(last);
        return all;
    }

    private static String messageOf(String format, JsonNode line) {
        return line.get(format.equals("gelf") ? "short_message" : "message").asText();
    }

    private static String stackTraceOf(String format, JsonNode line) {
        return switch (format) {
            case "ecs" -> line.get("error").get("stack_trace").asText();
            case "logstash" -> line.get("stack_trace").asText();
            default -> line.get("_error_stack_trace").asText();
        };
    }

    /** Every name and text value in the line, decoded from JSON, one per line. */
    private static String allText(JsonNode node) {
        StringBuilder out = new StringBuilder();
        collect(node, out);
        return out.toString();
    }

    private static void collect(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                out.append(field.getKey()).append('\n');
                collect(field.getValue(), out);
            });
        } else if (node.isArray()) {
            node.forEach(element -> collect(element, out));
        } else {
            out.append(node.asText()).append('\n');
        }
    }
}
