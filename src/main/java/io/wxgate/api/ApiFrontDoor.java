package io.wxgate.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.wxgate.http.UnreadBody;
import io.wxgate.message.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * What every API request meets before the servlet layer reads a byte of it. A request under {@code /api} without a
 * key the API takes is 401, whatever its path, verb or body (SPEC §1: "401 to everyone"; an unknown path or verb
 * would otherwise be Jetty's 404 or 405, and an OPTIONS request camel-jetty's 200). The route checks the key again
 * and what it may act on (ApiRoutes.authorize). Then request bodies are bounded (camel-jetty would otherwise cache a
 * body of any size, spilling it to disk): a declared length over the limit is a 413, and a body without a declared
 * length (chunked) is a 411, since its size is only known once it has been read. The WeChat proxy's paths carry
 * media uploads and have a larger limit of their own (SPEC §8: 10 MiB).
 */
final class ApiFrontDoor extends Handler.Wrapper {

    /** The proxy's paths, of the default account and of each account (AppIds are [A-Za-z0-9_-], AccountsFile). */
    private static final Pattern PROXY_PATH = Pattern.compile("/api/v1/(?:accounts/[^/]+/)?wechat/.*");
    private static final Pattern API_PATH = Pattern.compile("/api(?:/.*)?");

    private final long apiMaxBytes;
    private final long proxyMaxBytes;
    private final Predicate<String> acceptsKey;

    /** @param acceptsKey whether an Authorization header (or null) holds a key the API takes now */
    ApiFrontDoor(long apiMaxBytes, long proxyMaxBytes, Predicate<String> acceptsKey) {
        this.apiMaxBytes = apiMaxBytes;
        this.proxyMaxBytes = proxyMaxBytes;
        this.acceptsKey = acceptsKey;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (API_PATH.matcher(Request.getPathInContext(request)).matches()
                && !acceptsKey.test(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            refuse(request, response, callback, 401, ApiRoutes.UNAUTHORIZED);
            return true;
        }
        long maxBytes = PROXY_PATH.matcher(request.getHttpURI().getPath()).matches() ? proxyMaxBytes : apiMaxBytes;
        long declared = request.getLength();
        if (declared > maxBytes) {
            refuse(request, response, callback, 413, "request body larger than " + maxBytes + " bytes");
            return true;
        }
        if (declared < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            refuse(request, response, callback, 411,
                    "a request body needs a Content-Length (at most " + maxBytes + " bytes)");
            return true;
        }
        return super.handle(request, response, callback);
    }

    private static void refuse(Request request, Response response, Callback callback, int status, String error) {
        byte[] body = Json.MAPPER.createObjectNode().put("error", error).toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=UTF-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body), UnreadBody.dropThen(request, callback));
    }
}
