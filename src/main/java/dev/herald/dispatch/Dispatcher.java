package dev.herald.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.broker.BatchConsumer;
import dev.herald.deliver.Delivery;
import dev.herald.event.Json;
import dev.herald.store.LogRecord;
import dev.herald.deliver.OrderingLanes;
import dev.herald.store.Store;
import dev.herald.trace.Tracing;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionRegistry;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatch: claims event ids (de-duplication), matches subscriptions, and prepares one delivery
 * message per match plus the store record, for a batch of events. {@link DispatchConsumer} sends
 * them all in the batch's JMS transaction, so the fan-out is all or nothing. A delivery to an
 * ordered subscription takes its place in the lane of the event's {@code orderingkey} here, in
 * dispatch order.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** What dispatch decided for one event. */
    public sealed interface Decision {
        /** Dispatched: the delivery messages (JSON) and the store record. */
        record Fanout(List<String> deliveries, String logRecord) implements Decision {}

        /** Held by another dispatcher, or committed a moment ago: look again at {@code until}. */
        record Busy(long until) implements Decision {}

        /** Already dispatched: dropped. */
        record Duplicate() implements Decision {}
    }

    private final SubscriptionRegistry subscriptions;
    private final Store store;
    private final OrderingLanes lanes;
    private final long leaseMillis;
    private final Tracing tracing;

    public Dispatcher(SubscriptionRegistry subscriptions, Store store, OrderingLanes lanes, long leaseMillis) {
        this(subscriptions, store, lanes, leaseMillis, Tracing.off());
    }

    public Dispatcher(SubscriptionRegistry subscriptions, Store store, OrderingLanes lanes, long leaseMillis, Tracing tracing) {
        this.subscriptions = subscriptions;
        this.store = store;
        this.lanes = lanes;
        this.leaseMillis = leaseMillis;
        this.tracing = tracing;
    }

    /** One decision per event (CloudEvent JSON), in order; the claims are one store transaction. */
    public List<Decision> dispatch(List<String> jsons, long now, BatchConsumer.Undo undo) throws SQLException {
        List<JsonNode> events = new ArrayList<>(jsons.size());
        List<String> ids = new ArrayList<>(jsons.size());
        for (String json : jsons) {
            JsonNode event = Json.tree(json);
            events.add(event);
            ids.add(event.path("id").asText());
        }
        Map<String, Store.Claim> claims = store.claimAll(ids, now, leaseMillis);
        List<String> claimed = ids.stream().filter(id -> claims.get(id) == Store.Claim.NEW).distinct().toList();
        if (!claimed.isEmpty()) undo.add(() -> store.release(claimed));
        Set<String> seen = new HashSet<>();
        List<Decision> decisions = new ArrayList<>(events.size());
        for (JsonNode event : events) {
            String id = event.path("id").asText();
            String type = event.path("type").asText();
            Store.Claim claim = seen.add(id) ? claims.get(id) : Store.Claim.DUPLICATE;
            switch (claim) {
                case DUPLICATE -> {
                    LOG.info("Event {} ({}) was already dispatched; duplicate dropped", id, type);
                    decisions.add(new Decision.Duplicate());
                }
                case BUSY -> {
                    LOG.debug("Event {} is being dispatched elsewhere; checking again in {} ms", id, leaseMillis);
                    decisions.add(new Decision.Busy(now + leaseMillis));
                }
                case NEW -> decisions.add(fanOut(event, id, type, now, undo));
            }
        }
        return decisions;
    }

    private Decision fanOut(JsonNode event, String id, String type, long now, BatchConsumer.Undo undo) throws SQLException {
        String key = event.hasNonNull("orderingkey") ? event.get("orderingkey").asText() : null;
        List<Subscription> matched = subscriptions.match(type, event);
        Tracing.Trace trace = tracing.dispatched(new Tracing.Trace(event.path("traceparent").asText(null),
                event.path("tracestate").asText(null)), id, type, matched.size());
        List<String> deliveries = new ArrayList<>(matched.size());
        List<LogRecord.Target> targets = new ArrayList<>(matched.size());
        for (Subscription s : matched) {
            boolean ordered = s.ordered() && key != null;
            Delivery d = new Delivery(Delivery.idFor(id, s.id()), id, s.id(), 1, event, ordered ? key : null).inTrace(trace);
            if (ordered) {
                lanes.enter(s.id(), key, d.id());
                // Not dispatched after all: the redelivered event queues again at the tail.
                undo.add(() -> leaveQuietly(d));
            }
            deliveries.add(Json.string(d));
            targets.add(new LogRecord.Target(d.id(), s.id()));
        }
        LOG.debug("Event {} ({}) fans out to {} subscription(s)", id, type, deliveries.size());
        return new Decision.Fanout(deliveries, Json.string(new LogRecord.Dispatched(event, now, targets)));
    }

    private void leaveQuietly(Delivery d) {
        try {
            lanes.leave(d.subscriptionId(), d.orderingKey(), d.id(), System.currentTimeMillis());
        } catch (Exception e) {
            LOG.warn("Could not take delivery {} out of its ordering lane (the lane sweeper wakes what follows it): {}",
                    d.id(), e.getMessage());
        }
    }
}
