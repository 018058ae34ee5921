package io.wxgate.message;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON configuration of the gateway: what the API answers, what the send store keeps, what goes to WeChat
 * and to the forward queue are written and read alike. Instants are ISO-8601 text, not epoch numbers, so a stored
 * record and an API answer read the same. An ObjectMapper is thread-safe once configured; nothing reconfigures
 * this one after start-up.
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Json() {
    }
}
