package io.wxgate.proxy;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import io.wxgate.account.Account;
import io.wxgate.api.ApiRejection;
import io.wxgate.config.SendProperties;
import io.wxgate.message.Json;
import io.wxgate.send.TransportFaults;
import io.wxgate.token.AccessTokenSource;
import io.wxgate.token.AccessTokens;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Calls WeChat for the proxy (SPEC §8) with the account's access_token, and decides what a call's answer makes
 * happen: a token errcode gets compare-and-invalidate and one repeat (WeChat refused before doing anything); a
 * busy answer (-1, 45011, HTTP 5xx) or a transport fault gets the configured backoff, for GET only, since a POST may
 * have done its work; a request that never left fails over to the next base URL (as SendRoutes does).
 *
 * <p>Why Apache HttpClient here rather than a camel-http endpoint: the answer is streamed to the caller as WeChat
 * sends it (a media download is megabytes), and which answer it is decides whether to repeat the call, and that
 * must be known before a byte is passed on. Camel's redelivery repeats only the failing step and camel-http either
 * buffers the answer (stream cache) or hands out a stream whose connection nobody then owns. Here the connection
 * belongs to the answer until the caller has it all. The pool and the timeouts are those of WeChat sends
 * ({@code wechat.send.max-connections}, {@code connect-timeout}, {@code read-timeout}), as in
 * SendRoutes.weChatEndpoint: the read timeout bounds each wait for bytes, not a whole slow download.
 */
public final class WeChatProxy implements Closeable {

    /** A JSON answer larger than this is passed on unread: WeChat's errcode answers are a few dozen bytes. */
    static final int MAX_INSPECTED = 1024 * 1024;

    /**
     * WeChat's answer on its way to the caller.
     *
     * @param errcode the answer's errcode when it is JSON with one, 0 for a JSON success without one, else null
     * @param body    the body, to be read once and then closed (closing gives the connection back)
     */
    public record Answer(int status, String contentType, String contentDisposition, Integer errcode, InputStream body) {
    }

    private final List<URI> baseUrls;
    private final AccessTokens tokens;
    private final SendProperties send;
    private final CloseableHttpClient http;

    public WeChatProxy(List<URI> baseUrls, AccessTokens tokens, SendProperties send) {
        this.baseUrls = List.copyOf(baseUrls);
        this.tokens = tokens;
        this.send = send;
        Timeout connect = Timeout.of(send.connectTimeout());
        Timeout read = Timeout.of(send.readTimeout());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnPerRoute(send.maxConnections())
                        .setMaxConnTotal(send.maxConnections() * 2)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(connect).setSocketTimeout(read).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(read).setResponseTimeout(read).build())
                // Every repeat is decided here; the client must not repeat a POST on its own, follow a redirect
                // to another host, or decode gzip behind the Content-Type it passes on.
                .disableAutomaticRetries().disableRedirectHandling().disableContentCompression()
                .disableCookieManagement()
                .build();
    }

    /** Calls WeChat for {@code account} and returns its answer, repeated where the rules above allow. */
    public Answer call(Account account, ProxyRequest request) {
        AccessTokenSource source = tokens.of(account);
        boolean refreshed = false;
        int retries = 0;
        long delay = send.backoff().initialDelay().toMillis();
        while (true) {
            String token = source.current().value();
            Answer answer;
            try {
                answer = once(request, token);
            } catch (IOException fault) {
                if (request.isGet() && retries < send.backoff().maxRetries()) {
                    delay = pause(delay);
                    retries++;
                    continue;
                }
                boolean timeout = fault instanceof InterruptedIOException;
                throw new ApiRejection(timeout ? 504 : 502, timeout ? "WeChat did not answer in time"
                        : "WeChat could not be reached", null);
            }
            Integer errcode = answer.errcode();
            if (errcode != null && !refreshed && send.errcodes().refreshToken().contains(errcode)) {
                close(answer);
                source.invalidate(token);
                refreshed = true;
                continue;
            }
            boolean busy = answer.status() >= 500 || errcode != null && send.errcodes().backoff().contains(errcode);
            if (busy && request.isGet() && retries < send.backoff().maxRetries()) {
                close(answer);
                delay = pause(delay);
                retries++;
                continue;
            }
            return answer;
        }
    }

    /** One call, on the first base URL that takes the connection. */
    private Answer once(ProxyRequest request, String token) throws IOException {
        IOException last = null;
        for (URI base : baseUrls) {
            try {
                return exchange(base, request, token);
            } catch (IOException fault) {
                if (!TransportFaults.beforeSending(fault)) {
                    throw fault;
                }
                last = fault;
            }
        }
        throw last;
    }

    private Answer exchange(URI base, ProxyRequest request, String token) throws IOException {
        String query = (request.query().isEmpty() ? "" : request.query() + "&") + "access_token="
                + URLEncoder.encode(token, StandardCharsets.UTF_8);
        URI uri = URI.create(base.toString().replaceAll("/+$", "") + "/" + request.path() + "?" + query);
        HttpUriRequestBase call = new HttpUriRequestBase(request.method(), uri);
        if (request.contentType() != null) {
            call.setHeader("Content-Type", request.contentType());
        }
        if (request.accept() != null) {
            call.setHeader("Accept", request.accept());
        }
        if (request.body().length > 0 || !request.isGet()) {
            call.setEntity(new ByteArrayEntity(request.body(), null));
        }
        ClassicHttpResponse response = http.executeOpen(HttpHost.create(base), call, null);
        try {
            HttpEntity entity = response.getEntity();
            InputStream body = entity == null ? InputStream.nullInputStream() : entity.getContent();
            String contentType = header(response, "Content-Type");
            String disposition = header(response, "Content-Disposition");
            long length = entity == null ? 0 : entity.getContentLength();
            // wechat-protocol.md §17: errcodes come as JSON with HTTP 200, also from binary APIs (media/get); only
            // a JSON answer is read before it is passed on, binary answers go on as they arrive.
            if (isJson(contentType) && length <= MAX_INSPECTED) {
                byte[] bytes = body.readNBytes(MAX_INSPECTED + 1);
                if (bytes.length <= MAX_INSPECTED) {
                    response.close();
                    return new Answer(response.getCode(), contentType, disposition, errcodeOf(bytes, response.getCode()),
                            new ByteArrayInputStream(bytes));
                }
                body = new java.io.SequenceInputStream(new ByteArrayInputStream(bytes), body);
            }
            return new Answer(response.getCode(), contentType, disposition, null, new ClosingStream(body, response));
        } catch (IOException | RuntimeException e) {
            response.close();
            throw e;
        }
    }

    private static boolean isJson(String contentType) {
        // WeChat answers some errors as text/plain holding JSON.
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("application/json") || type.startsWith("text/plain") || type.isEmpty();
    }

    /** WeChat's errcode; a JSON success (HTTP 2xx) without one is 0; null when there is none to tell. */
    private static Integer errcodeOf(byte[] bytes, int status) {
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            if (node != null && node.isObject()) {
                JsonNode errcode = node.get("errcode");
                if (errcode != null && errcode.canConvertToInt()) {
                    return errcode.asInt();
                }
                return status >= 200 && status < 300 ? 0 : null;
            }
        } catch (IOException notJson) {
            // Passed on as it came.
        }
        return null;
    }

    private static String header(ClassicHttpResponse response, String name) {
        Header header = response.getFirstHeader(name);
        return header == null ? null : header.getValue();
    }

    private long pause(long delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiRejection(503, "the gateway is stopping", null);
        }
        return Math.min((long) (delay * send.backoff().multiplier()), send.backoff().maxDelay().toMillis());
    }

    private static void close(Answer answer) {
        try {
            answer.body().close();
        } catch (IOException ignored) {
            // The connection is discarded either way.
        }
    }

    @Override
    public void close() throws IOException {
        http.close();
    }

    /** The body of a streamed answer; closing it gives the connection back to the pool (or drops a half-read one). */
    static final class ClosingStream extends java.io.FilterInputStream {
        private final ClassicHttpResponse response;

        ClosingStream(InputStream in, ClassicHttpResponse response) {
            super(in);
            this.response = response;
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                response.close();
            }
        }
    }
}
