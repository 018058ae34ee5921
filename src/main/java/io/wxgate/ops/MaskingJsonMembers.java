package io.wxgate.ops;

import java.util.Map;

import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.json.JsonWriter.MemberPath;
import org.springframework.boot.json.WritableJson;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * JSON log lines ({@code logging.structured.format.console} or {@code .file}: ecs, logstash, gelf) with their secrets
 * masked as the text lines' converters mask them: every value Spring Boot's formatter writes (the message, the
 * exception's message and stack trace, MDC entries, SLF4J key-value pairs) goes through {@link SecretMasking} before
 * it is escaped into JSON, where a multi-line Spring binding report still reads as lines. A value filed under a name
 * that names a secret ({@code appSecret}, {@code access_token}) is masked whole, since its text alone shows no key.
 *
 * <p>Registered in {@code META-INF/spring.factories}, which Boot reads besides
 * {@code logging.structured.json.customizer}: an operator's own customizer is added to it, never put in its place.
 */
public final class MaskingJsonMembers implements StructuredLoggingJsonMembersCustomizer<Object> {

    @Override
    public void customize(JsonWriter.Members<Object> members) {
        members.applyingValueProcessor(MaskingJsonMembers::mask);
    }

    static Object mask(MemberPath path, Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof WritableJson
                || value instanceof Map || value instanceof Iterable || value.getClass().isArray()) {
            // Written as JSON of their own kind, not as text; a map's or a list's entries come here one by one.
            return value;
        }
        if (path != null && SecretMasking.namesSecret(path.name())) {
            return SecretMasking.MASK;
        }
        // Anything else is written as its toString(): mask that text.
        return SecretMasking.mask(value.toString());
    }
}
