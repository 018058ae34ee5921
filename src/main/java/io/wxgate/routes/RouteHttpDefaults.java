package io.wxgate.routes;

import java.io.IOException;
import java.util.Locale;

import io.wxgate.message.MessageJsonStream;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spi.TypeConverterRegistry;
import org.apache.camel.support.TypeConverterSupport;
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
            registerMethodConversion(http.getCamelContext().getTypeConverterRegistry());
            http.setConnectTimeout(settings.connectTimeout().toMillis());
            http.setResponseTimeout(settings.responseTimeout().toMillis());
            http.setSoTimeout(settings.responseTimeout().toMillis());
            // A pool per endpoint, at most this many calls in flight: the bulkhead around one downstream.
            http.setConnectionsPerRoute(settings.maxConnectionsPerEndpoint());
            http.setConnectionRequestTimeout(settings.connectionWait().toMillis());
            http.setHttpClientConfigurer(client -> client.addRequestInterceptorFirst(RouteHttpDefaults::labelMessageJson));
        });
    }

    /**
     * {@code CamelHttpMethod: POST}, as routes (ours and integrators') set it, is read by every call as camel-http's
     * {@link HttpMethods} enum. Camel has no converter for that pair: its enum fallback searched the whole converter
     * registry on every call, about a tenth of a send consumer's CPU (issue 16). This one is found at once.
     */
    static void registerMethodConversion(TypeConverterRegistry registry) {
        if (registry.lookup(HttpMethods.class, String.class) instanceof MethodByName) {
            return;
        }
        registry.addTypeConverter(HttpMethods.class, String.class, new MethodByName());
    }

    /** String to {@link HttpMethods} by its name, case as HTTP writes it; not a method: no conversion. */
    static final class MethodByName extends TypeConverterSupport {
        @Override
        public <T> T convertTo(Class<T> type, Exchange exchange, Object value) {
            if (!(value instanceof String name)) {
                return null;
            }
            try {
                return type.cast(HttpMethods.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException notAMethod) {
                return null;
            }
        }
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
