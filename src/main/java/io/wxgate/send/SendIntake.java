package io.wxgate.send;

import java.time.Clock;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.store.SendRecord;
import io.wxgate.store.SendStore;

/** Accepts a send for the durable queue: gives it an id and a record, and a template its client_msg_id. */
public final class SendIntake {

    private final SendStore store;
    private final Clock clock;

    public SendIntake(SendStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Returns the send's id; {@code request} gains the client_msg_id that every retry will carry. */
    public String accept(String api, ObjectNode request) {
        String id = UUID.randomUUID().toString().replace("-", "");
        if ("template".equals(api) && request.path("client_msg_id").asText("").isEmpty()) {
            // Assigned before queueing, so every retry and redelivery of this send carries the same one.
            request.put("client_msg_id", id);
        }
        store.create(SendRecord.queued(id, api, request.toString(), clock.instant()));
        return id;
    }
}
