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
    private static final Pattern PROXY_PATH = Pattern.compile("(?i)/api/v1/(?:accounts/[^/]+/)?wechat/.*");
    /** Camel's REST matcher ignores case: so does every test of an API path here and in ApiRoutes. */
    private static final Pattern API_PATH = Pattern.compile("(?i)/api(?:/.*)?");

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
        String path = Request.getPathInContext(request);
        if (API_PATH.matcher(path).matches()) {
            if (!acceptsKey.test(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
                refuse(request, response, callback, 401, ApiRoutes.UNAUTHORIZED);
                return true;
            }
            if (!path.equals(request.getHttpURI().getPath())) {
                // No API path needs an escape, a dot segment or a ;parameter: the route reads the path as sent
                // (the account a path names), and must see what the servlet routed by.
                refuse(request, response, callback, 400, "the path must be written plainly: no %-escapes, dot "
                        + "segments or ;parameters");
                return true;
            }
        }
        long maxBytes = PROXY_PATH.matcher(path).matches() ? proxyMaxBytes : apiMaxBytes;
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
