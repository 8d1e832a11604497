package dev.herald.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What the pipeline tells the store, as messages on {@code herald.log} sent in the same JMS
 * transaction as the step they describe: so the log is exactly as durable as the pipeline, and
 * writing it (in batches, by {@link StoreWriter}) never sits on the delivery path.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = LogRecord.Dispatched.class, name = "dispatched"),
    @JsonSubTypes.Type(value = LogRecord.Attempt.class, name = "attempt"),
    @JsonSubTypes.Type(value = LogRecord.Dead.class, name = "dead"),
    @JsonSubTypes.Type(value = LogRecord.Deferred.class, name = "deferred"),
    @JsonSubTypes.Type(value = LogRecord.Streamed.class, name = "streamed")
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface LogRecord {

    /** An event was fanned out: the event and one (delivery id, subscription id) per match. */
    record Dispatched(JsonNode event, long at, List<Target> deliveries) implements LogRecord {}

    record Target(String id, String subscriptionId) {}

    /** One delivery attempt and its outcome: succeeded, retrying or dead. */
    record Attempt(String id, String deliveryId, String eventId, String subscriptionId, int attempt,
                   long startedAt, int latencyMs, Integer statusCode, String responseExcerpt, String error,
                   String outcome, Long nextAttemptAt, String instanceId) implements LogRecord {}

    /**
     * A delivery was put back unattempted, to wait: {@code why} (circuit, rate, concurrency), and
     * until when ({@code until}; null when it waits for a free slot, looked at every moment).
     * {@code attempt} is the number the attempt it waits for will have.
     */
    record Deferred(String deliveryId, String eventId, String subscriptionId, int attempt, long at, String why,
                    Long until) implements LogRecord {}

    /** A delivery gave up: why, and the delivery itself so it can be replayed. */
    record Dead(String deliveryId, String eventId, String subscriptionId, String reason, long at,
                JsonNode delivery) implements LogRecord {}

    /**
     * A stream subscription's delivery, to append to its stream ({@code payload}: what consumers
     * get, the event or the subscription's transform of it).
     */
    record Streamed(String deliveryId, String eventId, String subscriptionId, long at, String payload) implements LogRecord {}
}
