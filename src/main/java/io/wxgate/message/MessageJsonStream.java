package io.wxgate.message;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/**
 * The message's JSON as a stream, recognisable as such: camel-http sends a body that is neither text nor bytes as
 * a stream with no Content-Type at all, which JSON services refuse (415). Knowing the stream is the message's
 * JSON, the routes' HTTP client labels it {@code application/json; charset=UTF-8} (RouteHttpDefaults).
 */
public final class MessageJsonStream extends ByteArrayInputStream {

    public static final String CONTENT_TYPE = "application/json; charset=UTF-8";

    MessageJsonStream(String json) {
        super(json.getBytes(StandardCharsets.UTF_8));
    }
}
