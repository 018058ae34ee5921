package io.wxgate.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeExchangeException;
import org.apache.camel.component.sql.DefaultSqlPrepareStatementStrategy;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The message where an endpoint needs a Map: camel-sql's named parameters by WeChat's field names. */
class WeChatMessageConversionsTest {

    private final WeChatMessage text = new WeChatXml().parse("<xml><ToUserName><![CDATA[gh_3a1b9c0d7e2f]]></ToUserName>"
            + "<FromUserName><![CDATA[oQ7Rk5vZ3yLb]]></FromUserName><CreateTime>1718000000</CreateTime>"
            + "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content>"
            + "<MsgId>24602935691055734</MsgId></xml>");
    private final CamelContext camel = new DefaultCamelContext();

    @AfterEach
    void stop() throws Exception {
        camel.close();
    }

    @Test
    void theFieldsAreTheJsonsNamesAndValuesWithEveryAbsentFieldNull() {
        Map<String, Object> fields = WeChatMessageConversions.fields(text);

        assertThat(fields).containsEntry("FromUserName", "oQ7Rk5vZ3yLb").containsEntry("Content", "你好")
                .containsEntry("MsgType", "text").containsEntry("MsgId", "24602935691055734")
                .containsEntry("CreateTime", 1718000000L)
                .containsEntry("EventKey", null).containsEntry("Event", null).containsEntry("MsgID", null);
        // The JSON itself still leaves absent fields out.
        assertThat(WeChatMessageConversions.json(text)).doesNotContain("EventKey").contains("\"Content\":\"你好\"");
    }

    @Test
    void camelSqlFindsNamedParametersInTheMessageThenInTheHeaders() throws Exception {
        WeChatMessageConversions.register(camel.getTypeConverterRegistry());
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(text);
        exchange.getIn().setHeader("WeChatAppId", "wx0000000000demo");
        // A route's :#Name, as camel-sql hands it on once its placeholder # became ?.
        String query = "insert into t (openid, content, event_key, appid) "
                + "values (:?FromUserName, :?Content, :?EventKey, :?WeChatAppId)";

        Iterator<?> values = new DefaultSqlPrepareStatementStrategy()
                .createPopulateIterator(query, null, 4, exchange, text);

        List<Object> bound = new ArrayList<>();
        values.forEachRemaining(bound::add);
        assertThat(bound).containsExactly("oQ7Rk5vZ3yLb", "你好", null, "wx0000000000demo");
    }

    @Test
    void aNameThatIsNoFieldOrHeaderStillFailsInCamelSql() throws Exception {
        WeChatMessageConversions.register(camel.getTypeConverterRegistry());
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setBody(text);

        Iterator<?> values = new DefaultSqlPrepareStatementStrategy()
                .createPopulateIterator("insert into t (c) values (:?Contnet)", null, 1, exchange, text);

        assertThatThrownBy(values::next).isInstanceOf(RuntimeExchangeException.class)
                .hasMessageContaining("Cannot find key [Contnet]");
    }
}
