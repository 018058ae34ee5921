package io.wxgate.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.message.Json;
import io.wxgate.store.SendRecord;
import org.apache.camel.Exchange;

/** Every API answer: JSON with an explicit status, and no request header echoed back (camel-jetty would). */
public final class ApiAnswer {

    private ApiAnswer() {
    }

    public static void json(Exchange e, int status, ObjectNode body) {
        var message = e.getMessage();
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=UTF-8");
        message.setBody(body.toString());
    }

    /** SPEC §5, §7: every key present, null when not known. */
    static ObjectNode status(SendRecord r) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("id", r.id()).put("appid", r.appid())
                .put("status", r.status());
        if (r.msgid() == null) {
            body.putNull("msgid");
        } else {
            body.put("msgid", r.msgid());
        }
        if (r.errcode() == null) {
            body.putNull("errcode");
        } else {
            body.put("errcode", r.errcode());
        }
        body.put("errmsg", r.errmsg());
        body.put("attempts", r.attempts());
        return body;
    }
}
