package io.wxgate.send;

import java.time.Clock;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wxgate.config.SendApi;
import io.wxgate.store.SendRecord;
import io.wxgate.store.SendStore;

/**
 * Accepts a send for the durable queue: gives it an id and a record. A template's client_msg_id follows from that
 * id when it is sent ({@link SendRoutes#withClientMsgId}), so every retry and redelivery carries the same one.
 */
public final class SendIntake {

    private final SendStore store;
    private final Clock clock;

    public SendIntake(SendStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Returns the send's id; {@code appId} is the account it is sent for. */
    public String accept(SendApi api, String appId, ObjectNode request) {
        String id = UUID.randomUUID().toString().replace("-", "");
        store.create(SendRecord.queued(id, appId, api.key(), request.toString(), clock.instant()));
        return id;
    }
}
