package dev.herald.deliver;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.trace.Tracing;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One event for one subscription: the message on {@code herald.deliveries}. Its id is derived from
 * the event and subscription ids, so it is the same across retries and re-dispatch (it is the
 * {@code webhook-id}); {@code attempt} is the number of the attempt this message asks for.
 * {@code orderingKey} is set when the subscription is ordered: the delivery waits its turn in that
 * key's lane ({@link dev.herald.deliver.OrderingLanes}). {@code scheduleFrom} is the attempt number at
 * which the retry schedule (re)started: 1, or the first attempt of a replay or re-send, which gets a
 * whole schedule again while its attempt numbers keep counting.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Delivery(String id, String eventId, String subscriptionId, int attempt, JsonNode event, String orderingKey,
                       Integer scheduleFrom, String traceparent, String tracestate) {

    public Delivery(String id, String eventId, String subscriptionId, int attempt, JsonNode event) {
        this(id, eventId, subscriptionId, attempt, event, null, null, null, null);
    }

    public Delivery(String id, String eventId, String subscriptionId, int attempt, JsonNode event, String orderingKey) {
        this(id, eventId, subscriptionId, attempt, event, orderingKey, null, null, null);
    }

    public Delivery(String id, String eventId, String subscriptionId, int attempt, JsonNode event, String orderingKey,
                    Integer scheduleFrom) {
        this(id, eventId, subscriptionId, attempt, event, orderingKey, scheduleFrom, null, null);
    }

    /** The trace this delivery's attempts belong to: the dispatch's, or (replayed from the store) the event's own. */
    public Tracing.Trace trace() {
        if (traceparent != null) return new Tracing.Trace(traceparent, tracestate);
        return new Tracing.Trace(event.path("traceparent").asText(null), event.path("tracestate").asText(null));
    }

    public Delivery inTrace(Tracing.Trace t) {
        return new Delivery(id, eventId, subscriptionId, attempt, event, orderingKey, scheduleFrom, t.traceparent(), t.tracestate());
    }

    /** This attempt's place in the retry schedule (1 = the first). */
    public int scheduled() {
        return attempt - (scheduleFrom == null ? 1 : scheduleFrom) + 1;
    }

    /** The same delivery made again from attempt {@code next}, with a fresh schedule (replay, re-send). */
    public Delivery again(int next) {
        return new Delivery(id, eventId, subscriptionId, next, event, orderingKey, next, traceparent, tracestate);
    }

    public static String idFor(String eventId, String subscriptionId) {
        UUID u = UUID.nameUUIDFromBytes((eventId + "\u0000" + subscriptionId).getBytes(StandardCharsets.UTF_8));
        return "msg_" + u.toString().replace("-", "");
    }

    public Delivery nextAttempt() {
        return new Delivery(id, eventId, subscriptionId, attempt + 1, event, orderingKey, scheduleFrom, traceparent, tracestate);
    }
}
