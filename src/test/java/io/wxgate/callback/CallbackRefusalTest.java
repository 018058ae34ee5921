package io.wxgate.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.wxgate.crypto.WeChatCipher;
import io.wxgate.http.UnreadBody;
import io.wxgate.testkit.CallbackDriver;
import io.wxgate.testkit.CallbackDriver.Delivery;
import io.wxgate.testkit.CallbackDriver.Mode;
import io.wxgate.testkit.GatewayTest;
import io.wxgate.testkit.Samples;
import org.junit.jupiter.api.Test;

/** Every request that must be refused is refused with a clear status, and nothing of it is processed. */
class CallbackRefusalTest extends GatewayTest {

    @Test
    void urlVerificationEchoesEchostrExactly() {
        HttpResponse<String> answer = driver.get(driver.echoQuery("4375120948345356249"));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("4375120948345356249");
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    }

    @Test
    void urlVerificationWithBadSignatureIsForbidden() {
        Map<String, String> query = new java.util.LinkedHashMap<>(driver.echoQuery("123"));
        query.put("signature", "0".repeat(40));

        HttpResponse<String> answer = driver.get(query);

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("signature").doesNotContain("123");
    }

    @Test
    void urlVerificationWithoutEchostrIsBadRequest() {
        Map<String, String> query = new java.util.LinkedHashMap<>(driver.echoQuery("123"));
        query.remove("echostr");

        HttpResponse<String> answer = driver.get(query);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("echostr");
    }

    @Test
    void missingSignatureIsBadRequestAndNotProcessed() {
        String msgId = Samples.newMsgId();
        Delivery d = driver.delivery(Mode.PLAIN, Samples.text("o-a", "hi", msgId)).withQuery("signature", null);

        HttpResponse<String> answer = driver.send(d);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("signature");
        assertThat(recorder.timesProcessed(msgId)).isZero();
    }

    @Test
    void badSignatureIsForbiddenAndNotProcessed() {
        String msgId = Samples.newMsgId();
        Delivery d = driver.delivery(Mode.PLAIN, Samples.text("o-a", "hi", msgId))
                .withQuery("signature", "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe");

        HttpResponse<String> answer = driver.send(d);

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(recorder.timesProcessed(msgId)).isZero();
    }

    @Test
    void staleTimestampIsForbiddenEvenWhenCorrectlySigned() {
        String msgId = Samples.newMsgId();
        Delivery d = driver.delivery(Mode.PLAIN, Samples.text("o-a", "hi", msgId), CallbackDriver.now() - 301);

        HttpResponse<String> answer = driver.send(d);

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("timestamp");
        assertThat(recorder.timesProcessed(msgId)).isZero();
    }

    @Test
    void aCapturedQueryStringCannotCarryAnotherBody() {
        String firstId = Samples.newMsgId();
        String forgedId = Samples.newMsgId();
        Delivery genuine = driver.delivery(Mode.PLAIN, Samples.text("o-a", "hi", firstId));
        assertThat(driver.send(genuine).statusCode()).isEqualTo(200);

        HttpResponse<String> replayed = driver.send(genuine.withBody(Samples.text("o-a", "forged", forgedId)));

        assertThat(replayed.statusCode()).isEqualTo(403);
        assertThat(recorder.timesProcessed(forgedId)).isZero();
    }

    @Test
    void oversizedBodyIsRefusedWith413() {
        String msgId = Samples.newMsgId();
        Delivery d = driver.delivery(Mode.PLAIN, Samples.text("o-a", "x".repeat(100 * 1024), msgId));

        HttpResponse<String> answer = driver.send(d);

        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(recorder.timesProcessed(msgId)).isZero();
        // Every refusal reaches a client still sending its body: the connection is not reset under the answer.
        for (int i = 0; i < 30; i++) {
            assertThat(driver.send(d).statusCode()).isEqualTo(413);
        }
    }

    @Test
    void aHugeDeclaredBodyIsAnswered413AndReadNoFurtherThanTheDropBound() throws Exception {
        // A client declaring 1 GiB and sending it flat out: the answer reaches it, and the gateway closes the
        // connection once it has dropped UnreadBody.MAX_BYTES, so the client's writes fail well before 1 GiB.
        String query = CallbackDriver.queryString(
                driver.delivery(Mode.PLAIN, Samples.text("o-a", "hi", Samples.newMsgId())).query());
        ExecutorService reader = Executors.newSingleThreadExecutor();
        long written = 0;
        try (Socket socket = new Socket("127.0.0.1", PORT)) {
            socket.setSoTimeout(30_000);
            Future<String> answer = reader.submit(() -> new String(socket.getInputStream().readNBytes(12),
                    StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            out.write(("POST /wechat/callback?" + query + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
                    + "Content-Length: " + (1L << 30) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            try {
                while (written < (1L << 30)) {
                    out.write(chunk);
                    written += chunk.length;
                }
            } catch (IOException closedByTheGateway) {
                // expected: the gateway stopped reading and closed
            }
            assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo("HTTP/1.1 413");
        } finally {
            reader.shutdownNow();
        }
        // What the gateway dropped, plus what the two sockets' buffers held when it closed (a few MiB on loopback).
        assertThat(written).isGreaterThanOrEqualTo(UnreadBody.MAX_BYTES).isLessThan(UnreadBody.MAX_BYTES + (64L << 20));
    }

    @Test
    void externalEntityIsRefusedAndTheFileIsNeverRead() throws Exception {
        Path secret = Files.createTempFile("wxgate-xxe", ".txt");
        Files.writeString(secret, "TOP-SECRET-MARKER-7f3a");
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>"
                + "<xml><ToUserName>gh</ToUserName><FromUserName>o-x</FromUserName><CreateTime>1</CreateTime>"
                + "<MsgType>text</MsgType><Content>&xxe;</Content><MsgId>" + Samples.newMsgId() + "</MsgId></xml>";

        HttpResponse<String> answer = driver.send(driver.delivery(Mode.PLAIN, xml));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).doesNotContain("TOP-SECRET-MARKER");
    }

    @Test
    void billionLaughsIsRefused() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE xml [<!ENTITY lol \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10))
                    .append("\">");
        }
        String xml = dtd + "]><xml><Content>&lol9;</Content></xml>";

        HttpResponse<String> answer = driver.send(driver.delivery(Mode.PLAIN, xml));

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).doesNotContain("lol");
    }

    @Test
    void malformedXmlIsBadRequest() {
        HttpResponse<String> answer = driver.send(driver.delivery(Mode.PLAIN, "<xml><MsgType>text</MsgType>"));

        assertThat(answer.statusCode()).isEqualTo(400);
    }

    @Test
    void jsonBodyIsBadRequest() {
        HttpResponse<String> answer = driver.send(driver.delivery(Mode.PLAIN, "{\"MsgType\":\"text\"}"));

        assertThat(answer.statusCode()).isEqualTo(400);
    }

    @Test
    void xmlLabelledAsAFormIsVerifiedAndAnsweredAndAFormIsNotXml() {
        // What curl -d sends: the XML labelled as a form. Only the body decides; SPEC §2 answers a valid POST 200.
        String msgId = Samples.newMsgId();
        Delivery d = driver.delivery(Mode.PLAIN, Samples.text("o-form", "echo", msgId));

        HttpResponse<String> labelled = driver.send(d, "application/x-www-form-urlencoded");
        HttpResponse<String> forged = driver.send(d.withQuery("signature", "0".repeat(40)),
                "application/x-www-form-urlencoded");
        HttpResponse<String> form = driver.send(driver.delivery(Mode.PLAIN, "MsgType=text&Content=hi"),
                "application/x-www-form-urlencoded");
        HttpResponse<String> multipart = driver.send(driver.delivery(Mode.PLAIN,
                "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n<xml/>\r\n--b--\r\n"),
                "multipart/form-data; boundary=b");

        assertThat(labelled.statusCode()).isEqualTo(200);
        assertThat(recorder.timesProcessed(msgId)).isEqualTo(1);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(form.statusCode()).isEqualTo(400);
        assertThat(multipart.statusCode()).isEqualTo(400);
    }

    @Test
    void xmlIsReadWhateverXmlContentTypeIsDeclared() {
        String msgId = Samples.newMsgId();

        HttpResponse<String> answer = driver.send(driver.delivery(Mode.PLAIN, Samples.text("o-ct", "echo", msgId)),
                "application/xml; charset=utf-8");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(recorder.timesProcessed(msgId)).isEqualTo(1);
    }

    @Test
    void ciphertextForAnotherAppIdIsForbidden() {
        String msgId = Samples.newMsgId();
        CallbackDriver otherApp = new CallbackDriver(URI.create("http://127.0.0.1:" + PORT + "/wechat/callback"),
                TOKEN, new WeChatCipher(AES_KEY, "wxsomeoneelse0001"));

        HttpResponse<String> answer = otherApp.send(otherApp.delivery(Mode.SAFE, Samples.text("o-a", "hi", msgId)));

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("AppId");
        assertThat(recorder.timesProcessed(msgId)).isZero();
    }

    @Test
    void badMsgSignatureIsForbidden() {
        String msgId = Samples.newMsgId();
        Delivery d = driver.delivery(Mode.SAFE, Samples.text("o-a", "hi", msgId)).withQuery("msg_signature", "12345");

        HttpResponse<String> answer = driver.send(d);

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(recorder.timesProcessed(msgId)).isZero();
    }

    @Test
    void signedButUndecryptableCiphertextIsBadRequest() {
        Delivery d = driver.signedEnvelope("bm90IGEgcmVhbCBjaXBoZXJ0ZXh0IGF0IGFsbCEhISE=");

        HttpResponse<String> answer = driver.send(d);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("decrypt");
    }

    @Test
    void otherMethodsAreNotAllowed() {
        HttpResponse<String> answer = driver.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + PORT + "/wechat/callback")).PUT(HttpRequest.BodyPublishers.ofString("x")));

        assertThat(answer.statusCode()).isEqualTo(405);
    }
}
