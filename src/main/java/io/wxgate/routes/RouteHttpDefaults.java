package io.wxgate.routes;

import java.io.IOException;

import io.wxgate.message.MessageJsonStream;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * The defaults every {@code http}/{@code https} endpoint of a route starts from: camel-http's own are a 3-minute
 * response timeout and a wait without end for a pooled connection, so one downstream that accepts and never
 * answers held every worker running routes, and every other message waited behind it (SPEC §3). Endpoint URI
 * options ({@code ?responseTimeout=…}, {@code connectionsPerRoute=…}) are applied after these, so they win.
 * WeChat's own calls set theirs in their URIs (SendRoutes).
 */
final class RouteHttpDefaults {

    private RouteHttpDefaults() {
    }

    static ComponentCustomizer customizer(RouteHttpProperties settings) {
        return ComponentCustomizer.forType(HttpComponent.class, http -> {
            http.setConnectTimeout(settings.connectTimeout().toMillis());
            http.setResponseTimeout(settings.responseTimeout().toMillis());
            http.setSoTimeout(settings.responseTimeout().toMillis());
            // A pool per endpoint, at most this many calls in flight: the bulkhead around one downstream.
            http.setConnectionsPerRoute(settings.maxConnectionsPerEndpoint());
            http.setConnectionRequestTimeout(settings.connectionWait().toMillis());
            http.setHttpClientConfigurer(client -> client.addRequestInterceptorFirst(RouteHttpDefaults::labelMessageJson));
        });
    }

    /** {@code to: http://…} with the message as body sends its JSON: say so, as a JSON service expects. */
    private static void labelMessageJson(HttpRequest request, EntityDetails entity, HttpContext context) throws IOException {
        // HttpClient wraps a one-shot entity for its retries: look at the content, not the entity's class.
        if (entity instanceof HttpEntity body && entity.getContentType() == null
                && !request.containsHeader(HttpHeaders.CONTENT_TYPE) && body.getContent() instanceof MessageJsonStream) {
            request.setHeader(HttpHeaders.CONTENT_TYPE, MessageJsonStream.CONTENT_TYPE);
        }
    }
}
