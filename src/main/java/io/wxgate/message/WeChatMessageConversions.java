package io.wxgate.message;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.Exchange;
import org.apache.camel.TypeConversionException;
import org.apache.camel.spi.TypeConverterRegistry;
import org.apache.camel.support.TypeConverterSupport;

/**
 * SPEC §3: wherever an endpoint needs the message as text, bytes or a stream — {@code to: http:…},
 * {@code to: file:…}, a broker — the parsed message becomes its JSON, with WeChat's field names, exactly as the
 * shipped forward sends it. Without these, a route written the obvious way ({@code to: http://…} with the message
 * as body) failed on every message: Camel has no way from a WeChatMessage to an InputStream.
 */
public final class WeChatMessageConversions {

    private WeChatMessageConversions() {
    }

    public static void register(TypeConverterRegistry registry) {
        add(registry, String.class, json -> json);
        add(registry, byte[].class, json -> json.getBytes(StandardCharsets.UTF_8));
        add(registry, InputStream.class, MessageJsonStream::new);
    }

    private static void add(TypeConverterRegistry registry, Class<?> to, Function<String, Object> fromJson) {
        registry.addTypeConverter(to, WeChatMessage.class, new TypeConverterSupport() {
            @Override
            public <T> T convertTo(Class<T> type, Exchange exchange, Object value) {
                return type.cast(fromJson.apply(json((WeChatMessage) value)));
            }
        });
    }

    /** The message's JSON: WeChat's element names, absent elements left out. */
    public static String json(WeChatMessage message) {
        try {
            return Json.MAPPER.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new TypeConversionException(message, String.class, e);
        }
    }
}
