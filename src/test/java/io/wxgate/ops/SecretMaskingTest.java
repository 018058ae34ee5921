package io.wxgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Secrets are masked in every form a log line may show them in; other text passes untouched. */
class SecretMaskingTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // query strings: the send call's access_token, the token endpoint's secret
        "POST /cgi-bin/message/template/send?access_token=AT-42_x.y HTTP/1.1"
                + " | POST /cgi-bin/message/template/send?access_token=*** HTTP/1.1",
        "GET /cgi-bin/token?grant_type=client_credential&appid=wx1&secret=9f8e7d6c&x=1"
                + " | GET /cgi-bin/token?grant_type=client_credential&appid=wx1&secret=***&x=1",
        // JSON: the token answer, the stable_token request, with spaces, escaped inside another string
        "`{\"access_token\":\"AT-42\",\"expires_in\":7200}` | `{\"access_token\":\"***\",\"expires_in\":7200}`",
        "`{\"appid\":\"wx1\",\"secret\":\"9f8e7d6c\",\"force_refresh\":false}`"
                + " | `{\"appid\":\"wx1\",\"secret\":\"***\",\"force_refresh\":false}`",
        "`{ \"access_token\" : \"AT-42\" }` | `{ \"access_token\" : \"***\" }`",
        // the jsapi_ticket: getticket's answer, the JS-SDK signature's string1
        "`{\"errcode\":0,\"ticket\":\"sM4AOVdW-x_y\",\"expires_in\":7200}`"
                + " | `{\"errcode\":0,\"ticket\":\"***\",\"expires_in\":7200}`",
        "jsapi_ticket=sM4AOVdW-x_y&noncestr=Wm3W | jsapi_ticket=***&noncestr=Wm3W",
        "`body=\"{\\\"access_token\\\":\\\"AT-42\\\"}\"` | `body=\"{\\\"access_token\\\":\\\"***\\\"}\"`",
        // key=value and key: value, as settings, environment variables and toString() show them
        "appsecret=9f8e7d6c, appid=wx1 | appsecret=***, appid=wx1",
        "wechat.app-secret=9f8e7d6c | wechat.app-secret=***",
        "WECHAT_APP_SECRET=9f8e7d6c | WECHAT_APP_SECRET=***",
        "EncodingAESKey=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG | EncodingAESKey=***",
        "encoding-aes-key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG | encoding-aes-key: ***",
        "encodingAesKey='abcdef' | encodingAesKey='***'",
        "wechat.token=callback-token | wechat.token=***",
        "gateway.api-key = k-123 | gateway.api-key = ***",
        // the database of sql: routes, and a password in a URI
        "DATASOURCE_PASSWORD=s3cret | DATASOURCE_PASSWORD=***",
        "spring.datasource.password: s3cret | spring.datasource.password: ***",
        "jdbc:postgresql://db:5432/app?user=wx&password=s3cret&ssl=true"
                + " | jdbc:postgresql://db:5432/app?user=wx&password=***&ssl=true",
        // credentials
        "Authorization: Bearer k-123.456 | Authorization: Bearer ***",
        "`\"authorization\": \"Bearer k-123\"` | `\"authorization\": \"Bearer ***\"`",
        "Authorization: Basic dXNlcjpwYXNz | Authorization: Basic ***",
    })
    void everyFormOfASecretIsMasked(String line, String masked) {
        assertThat(SecretMasking.mask(line)).isEqualTo(masked);
    }

    @Test
    void springBootsBindingReportIsMasked() {
        String report = "Property: wechat.encoding-aes-key\n    Value: \"abcdefghij\"\n    Origin: \"WECHAT_ENCODING_AES_KEY\"";

        assertThat(SecretMasking.mask(report)).doesNotContain("abcdefghij").contains("Value: \"***\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Started WxGateApplication in 8.9 seconds",
        "Accepted text",
        "Attempt 1 on template: errcode 0, msgid 1000001",
    })
    void aLineWithoutTheTriggerWordsIsReturnedAsItIs(String line) {
        assertThat(SecretMasking.mayHoldSecret(line)).isFalse();
        assertThat(SecretMasking.mask(line)).isSameAs(line);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "WeChat returned the refused access_token again; fetching with force_refresh",
        "Fetched an access_token (stable_token), valid for 7200 s",
        "Retry with a fresh access_token after errcode 40001, invalid credential",
        "the secretary's tokens, 3 api calls",
    })
    void aLineThatOnlyNamesASecretIsUnchanged(String line) {
        assertThat(SecretMasking.mask(line)).isEqualTo(line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"appSecret", "access_token", "token", "encodingAesKey", "api-key", "DATASOURCE_PASSWORD",
        "Authorization", "_appSecret"})
    void aNameThatNamesASecretHidesItsValueWhole(String name) {
        assertThat(SecretMasking.namesSecret(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"msgId", "sendId", "message", "short_message", "log.logger", "error.stack_trace",
        "_error_message", "process.thread.name", "@timestamp", "appid", "attempts"})
    void theFieldsOfAJsonLogLineNameNoSecret(String name) {
        assertThat(SecretMasking.namesSecret(name)).isFalse();
    }

    @Test
    void maskingIsIdempotent() {
        String once = SecretMasking.mask("access_token=AT-42 Bearer k-1 {\"secret\":\"s\"}");

        assertThat(SecretMasking.mask(once)).isEqualTo(once).isEqualTo("access_token=*** Bearer *** {\"secret\":\"***\"}");
    }

    @Test
    void theMessageConverterMasksTheFormattedMessage() {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger("lib"), Level.DEBUG,
                ">> GET {}?access_token={} HTTP/1.1", null, new Object[] {"/cgi-bin/menu/get", "AT-42"});

        assertThat(new MaskingMessageConverter().convert(event))
                .isEqualTo(">> GET /cgi-bin/menu/get?access_token=*** HTTP/1.1");
    }

    @Test
    void stackTracesAreMaskedCausesIncluded() {
        LoggerContext context = new LoggerContext();
        MaskingThrowableConverter converter = new MaskingThrowableConverter();
        converter.setContext(context);
        converter.start();
        Exception failure = new IllegalStateException("GET /cgi-bin/token?appid=wx1&secret=9f8e7d6c failed",
                new RuntimeException("answer {\"access_token\":\"AT-42\",\"expires_in\":7200}"));
        LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger("lib"), Level.ERROR,
                "call failed", failure, null);

        String trace = converter.convert(event);

        assertThat(trace).contains("IllegalStateException", "Caused by: java.lang.RuntimeException",
                "secret=*** failed", "\"access_token\":\"***\"", "SecretMaskingTest")
                .doesNotContain("9f8e7d6c").doesNotContain("AT-42");
    }
}
