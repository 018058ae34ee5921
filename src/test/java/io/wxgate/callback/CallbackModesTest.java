package io.wxgate.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Plain, compatible and safe mode each get the route's reply in the form WeChat expects. */
class CallbackModesTest extends GatewayTest {

    @Test
    void plainModeGetsThePassiveReplyXml() {
        String user = Samples.user();

        HttpResponse<String> answer = driver.send(driver.delivery(Mode.PLAIN, Samples.text(user, "echo", Samples.newMsgId())));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body())
                .contains("<ToUserName><![CDATA[" + user + "]]></ToUserName>")
                .contains("<FromUserName><![CDATA[" + Samples.ACCOUNT + "]]></FromUserName>")
                .contains("<MsgType><![CDATA[text]]></MsgType>")
                .contains("<Content><![CDATA[you said echo from " + user + "]]></Content>");
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"SAFE", "COMPATIBLE"})
    void encryptedModesGetAnEncryptedSignedReply(Mode mode) {
        String user = Samples.user();

        HttpResponse<String> answer = driver.send(driver.delivery(mode, Samples.text(user, "echo", Samples.newMsgId())));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain("you said");
        assertThat(driver.openReply(answer)).contains("<Content><![CDATA[you said echo from " + user + "]]></Content>");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void noReplyIsAnsweredWithPlainSuccessInEveryMode(Mode mode) {
        HttpResponse<String> answer = driver.send(driver.delivery(mode, Samples.text("no keyword matches this")));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("success");
    }

    @Test
    void unknownMessageTypesAreAcceptedAndProcessed() {
        String msgId = Samples.newMsgId();
        String xml = "<xml><ToUserName>gh</ToUserName><FromUserName>o-new</FromUserName><CreateTime>1</CreateTime>"
                + "<MsgType><![CDATA[hologram]]></MsgType><Shape>cube</Shape><MsgId>" + msgId + "</MsgId></xml>";

        HttpResponse<String> answer = driver.send(driver.delivery(Mode.SAFE, xml));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("success");
        assertThat(recorder.timesProcessed(msgId)).isEqualTo(1);
    }

    @Test
    void routesSeeExactlyTheDocumentedHeaders() {
        String msgId = Samples.newMsgId();

        driver.send(driver.delivery(Mode.PLAIN, Samples.text("o-headers", "echo", msgId)));

        assertThat(recorder.headersSeenBy(msgId)).containsExactlyInAnyOrder("WeChatAppId", "WeChatMsgType",
                "WeChatFromUser", "WeChatToUser", "WeChatMsgId", "WeChatCreateTime", "WeChatContent");
    }

    @Test
    void answersCarryNoRequestHeaders() {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + PORT
                        + "/wechat/callback?" + query(driver.echoQuery("abc"))))
                .header("X-Probe", "echoed?").header("Cookie", "session=1").GET();

        HttpResponse<String> answer = driver.send(request);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().map().keySet()).allSatisfy(h -> assertThat(h.toLowerCase())
                .isIn("content-type", "content-length", "date", "connection", "transfer-encoding"));
    }

    private static String query(java.util.Map<String, String> q) {
        return q.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining("&"));
    }
}
