package io.wxgate.message;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.TypeConversionException;
import org.apache.camel.spi.TypeConverterRegistry;
import org.apache.camel.support.TypeConverterSupport;

/**
 * SPEC §3: wherever an endpoint needs the message as text, bytes or a stream — {@code to: http:…},
 * {@code to: file:…}, a broker — the parsed message becomes its JSON, with WeChat's field names, exactly as the
 * shipped forward sends it. Without these, a route written the obvious way ({@code to: http://…} with the message
 * as body) failed on every message: Camel has no way from a WeChatMessage to an InputStream.
 *
 * <p>Where an endpoint needs a {@link Map} — camel-sql looks a named parameter {@code :#FromUserName} up in the
 * body converted to a Map before it tries the headers — the message becomes its fields by the same names.
 */
public final class WeChatMessageConversions {

    /**
     * Every field of the model is a key, null where the message has none: an insert of {@code :#EventKey} stores
     * NULL for a message without one, while a name that is no WeChat field (a typo) still fails in camel-sql with
     * "Cannot find key". The JSON leaves absent fields out; the mix-in overrides the model's NON_NULL for maps only.
     */
    private static final ObjectMapper FIELDS = Json.MAPPER.copy().addMixIn(WeChatMessage.class, EveryField.class);
    private static final TypeReference<Map<String, Object>> FIELD_MAP = new TypeReference<>() {
    };

    @JsonInclude(JsonInclude.Include.ALWAYS)
    private abstract static class EveryField {
    }

    private WeChatMessageConversions() {
    }

    public static void register(TypeConverterRegistry registry) {
        add(registry, String.class, WeChatMessageConversions::json);
        add(registry, byte[].class, m -> json(m).getBytes(StandardCharsets.UTF_8));
        add(registry, InputStream.class, m -> new MessageJsonStream(json(m)));
        add(registry, Map.class, WeChatMessageConversions::fields);
    }

    private static void add(TypeConverterRegistry registry, Class<?> to, Function<WeChatMessage, Object> convert) {
        registry.addTypeConverter(to, WeChatMessage.class, new TypeConverterSupport() {
            @Override
            public <T> T convertTo(Class<T> type, Exchange exchange, Object value) {
                return type.cast(convert.apply((WeChatMessage) value));
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

    /** The message's fields by WeChat's names, in the JSON's order; every field of the model, null when absent. */
    public static Map<String, Object> fields(WeChatMessage message) {
        return FIELDS.convertValue(message, FIELD_MAP);
    }
}
