package io.wxgate.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.wxgate.crypto.Signatures;
import io.wxgate.crypto.WeChatCipher;

/**
 * Behaves like WeChat's servers towards the callback: signs (and in safe mode encrypts) a delivery, and sends
 * the very same delivery again the way WeChat retries it — all at once, or spaced out.
 */
public final class CallbackDriver {

    public enum Mode { PLAIN, COMPATIBLE, SAFE }

    private static final Pattern ENCRYPT = Pattern.compile("<Encrypt><!\\[CDATA\\[(.*?)]]></Encrypt>");

    private final URI endpoint;
    private final String token;
    private final WeChatCipher cipher;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public CallbackDriver(URI endpoint, String token, WeChatCipher cipher) {
        this.endpoint = endpoint;
        this.token = token;
        this.cipher = cipher;
    }

    /** A signed delivery, ready to be sent as often as WeChat would send it. */
    public record Delivery(Map<String, String> query, String body) {

        public Delivery withQuery(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(query);
            if (value == null) {
                copy.remove(name);
            } else {
                copy.put(name, value);
            }
            return new Delivery(copy, body);
        }

        public Delivery withBody(String newBody) {
            return new Delivery(query, newBody);
        }
    }

    public Delivery delivery(Mode mode, String messageXml) {
        return delivery(mode, messageXml, now());
    }

    public Delivery delivery(Mode mode, String messageXml, long timestamp) {
        String ts = Long.toString(timestamp);
        String nonce = Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L));
        Map<String, String> query = signedQuery(ts, nonce);
        query.put("openid", "o-driver");
        if (mode == Mode.PLAIN) {
            return new Delivery(query, messageXml);
        }
        String encrypted = cipher.encrypt(messageXml);
        query.put("encrypt_type", "aes");
        query.put("msg_signature", Signatures.sign(token, ts, nonce, encrypted));
        String envelope = mode == Mode.SAFE
                ? "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA[" + encrypted + "]]></Encrypt></xml>"
                : messageXml.replace("</xml>", "<Encrypt><![CDATA[" + encrypted + "]]></Encrypt></xml>");
        return new Delivery(query, envelope);
    }

    /** A safe-mode delivery whose Encrypt is whatever the caller gives, correctly signed. */
    public Delivery signedEnvelope(String encrypted) {
        String ts = Long.toString(now());
        String nonce = "77001234";
        Map<String, String> query = signedQuery(ts, nonce);
        query.put("encrypt_type", "aes");
        query.put("msg_signature", Signatures.sign(token, ts, nonce, encrypted));
        return new Delivery(query, "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt><![CDATA["
                + encrypted + "]]></Encrypt></xml>");
    }

    /** The URL verification WeChat performs when the server URL is saved in the console. */
    public Map<String, String> echoQuery(String echostr) {
        Map<String, String> query = signedQuery(Long.toString(now()), "1514711492");
        query.put("echostr", echostr);
        return query;
    }

    /** The plain signature WeChat puts on every callback (wechat-protocol.md §1). */
    private Map<String, String> signedQuery(String ts, String nonce) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("signature", Signatures.sign(token, ts, nonce));
        query.put("timestamp", ts);
        query.put("nonce", nonce);
        return query;
    }

    public HttpResponse<String> get(Map<String, String> query) {
        return send(HttpRequest.newBuilder(uri(query)).GET());
    }

    public HttpResponse<String> send(Delivery d) {
        return send(d, "text/xml");
    }

    public HttpResponse<String> send(Delivery d, String contentType) {
        return send(HttpRequest.newBuilder(uri(d.query())).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(d.body(), StandardCharsets.UTF_8)));
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** WeChat's retry storm at its worst: every copy on its own connection at the same moment. */
    public List<HttpResponse<String>> sendConcurrently(Delivery d, int copies) {
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            inFlight.add(CompletableFuture.supplyAsync(() -> send(d)));
        }
        return inFlight.stream().map(CompletableFuture::join).toList();
    }

    /** WeChat's usual pattern: the same delivery again after a pause. */
    public List<HttpResponse<String>> sendSpaced(Delivery d, int copies, Duration gap) {
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            if (i > 0) {
                sleep(gap);
            }
            answers.add(send(d));
        }
        return answers;
    }

    /** The reply inside a safe-mode answer, after checking its MsgSignature as WeChat would. */
    public String openReply(HttpResponse<String> answer) {
        String body = answer.body();
        Matcher m = ENCRYPT.matcher(body);
        if (!m.find()) {
            throw new AssertionError("not an encrypted reply: " + body);
        }
        String encrypted = m.group(1);
        String ts = between(body, "<TimeStamp>", "</TimeStamp>");
        String nonce = between(body, "<Nonce><![CDATA[", "]]></Nonce>");
        String signature = between(body, "<MsgSignature><![CDATA[", "]]></MsgSignature>");
        if (!Signatures.sign(token, ts, nonce, encrypted).equals(signature)) {
            throw new AssertionError("reply MsgSignature does not verify");
        }
        return cipher.decrypt(encrypted);
    }

    private static String between(String s, String start, String end) {
        int i = s.indexOf(start);
        int j = s.indexOf(end, i + start.length());
        if (i < 0 || j < 0) {
            throw new AssertionError("missing " + start + " in " + s);
        }
        return s.substring(i + start.length(), j);
    }

    private URI uri(Map<String, String> query) {
        String q = queryString(query);
        return URI.create(endpoint + (q.isEmpty() ? "" : "?" + q));
    }

    /** A query as it goes on the wire, for tests that write their request by hand. */
    public static String queryString(Map<String, String> query) {
        return query.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static long now() {
        return System.currentTimeMillis() / 1000;
    }

    public static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
