package dev.herald.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.herald.event.Json;
import dev.herald.store.StreamQueries;

/** What consumers receive: an event with its cursor and ids, the same in all three ways of taking it. */
final class Frames {

    private Frames() {}

    /** One event: cursor, delivery id (the webhook-id, stable across hand-overs), event id, and the payload as kept. */
    static ObjectNode event(String subscriptionId, StreamQueries.Item i) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("cursor", StreamCursor.of(subscriptionId, i.seq()));
        n.put("deliveryId", i.deliveryId());
        n.put("eventId", i.eventId());
        n.putRawValue("event", new RawValue(i.payload()));
        return n;
    }
}
