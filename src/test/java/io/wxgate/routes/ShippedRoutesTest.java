package io.wxgate.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

/** The routes shipped in routes/ do what the README promises, end to end over HTTP. */
class ShippedRoutesTest extends GatewayTest {

    @Autowired
    JmsTemplate jms;

    @Test
    void aKeywordGetsItsTextReply() {
        HttpResponse<String> answer = driver.send(driver.delivery(Mode.PLAIN, Samples.text("营业时间")));

        assertThat(answer.body()).contains("<MsgType><![CDATA[text]]></MsgType>").contains("9:00–18:00");
    }

    @Test
    void aNewFollowerIsWelcomed() {
        HttpResponse<String> answer = driver.send(driver.delivery(Mode.SAFE,
                Samples.event(Samples.user(), CallbackDriver.now(), "subscribe", "qrscene_42")));

        assertThat(driver.openReply(answer)).contains("欢迎关注");
    }

    @Test
    void aMenuClickIsAnsweredByItsKey() {
        HttpResponse<String> text = driver.send(driver.delivery(Mode.PLAIN,
                Samples.event(Samples.user(), CallbackDriver.now(), "CLICK", "CONTACT_US")));
        HttpResponse<String> news = driver.send(driver.delivery(Mode.PLAIN,
                Samples.event(Samples.user(), CallbackDriver.now(), "CLICK", "LATEST_NEWS")));

        assertThat(text.body()).contains("400-000-0000");
        assertThat(news.body()).contains("<MsgType><![CDATA[news]]></MsgType>").contains("<ArticleCount>1</ArticleCount>")
                .contains("https://example.com/news/latest");
    }

    @Test
    void everyMessageIsForwardedAsJsonToTheDurableQueue() throws Exception {
        String msgId = Samples.newMsgId();
        String user = Samples.user();

        driver.send(driver.delivery(Mode.SAFE, Samples.text(user, "转发我", msgId)));

        jms.setReceiveTimeout(10_000);
        TextMessage forwarded = (TextMessage) jms.receiveSelected("wechat.inbound", "WeChatMsgId = '" + msgId + "'");
        assertThat(forwarded).isNotNull();
        JsonNode json = new ObjectMapper().readTree(forwarded.getText());
        assertThat(json.get("MsgId").asText()).isEqualTo(msgId);
        assertThat(json.get("FromUserName").asText()).isEqualTo(user);
        assertThat(json.get("Content").asText()).isEqualTo("转发我");
        assertThat(json.has("Encrypt")).isFalse();
        assertThat(forwarded.getStringProperty("WeChatMsgType")).isEqualTo("text");
        assertThat(forwarded.getStringProperty("WeChatFromUser")).isEqualTo(user);
        assertThat(forwarded.propertyExists("WeChatContent")).as("the text travels once, in the body").isFalse();
    }
}
