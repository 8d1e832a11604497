package dev.herald.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.broker.BatchConsumer;
import dev.herald.broker.BrokerDefaults;
import dev.herald.broker.Publisher;
import dev.herald.deliver.Admission;
import dev.herald.deliver.Delivery;
import dev.herald.deliver.DeliveryAttempts;
import dev.herald.deliver.Parking;
import dev.herald.event.Json;
import dev.herald.store.DeliveryStatus;
import dev.herald.store.LogRecord;
import dev.herald.deliver.OrderingLanes;
import dev.herald.store.Store;
import dev.herald.trace.Tracing;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatch: drops copies of events already dispatched, matches subscriptions, and prepares one
 * delivery message per match plus the store record, for a batch of events. {@link DispatchConsumer}
 * sends them all in the batch's JMS transaction, so the fan-out is all or nothing. A delivery to an
 * ordered subscription takes its place in the lane of the event's {@code orderingkey} here, in
 * dispatch order.
 *
 * <p>Nothing is written per event to catch copies. A copy is dropped when it comes earlier in the
 * same batch, when the store has recorded its event ({@link Store#dispatched}, one query per batch),
 * or when the broker refused its fan-out a moment ago; it is looked at again later when another
 * batch holds its id right now ({@link Store#lockEvents}). What passes these — a copy that comes
 * after the first committed but before the store recorded it — is refused by the broker at commit,
 * since the store record carries the event id as its duplicate id (docs/architecture.md, Dispatch).
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** How many ids refused by the broker this process remembers: they come back within seconds, and are rare. */
    private static final int REFUSED_KEPT = 10_000;

    /** What dispatch decided for one event. */
    public sealed interface Decision {
        /**
         * Dispatched: the delivery messages (to {@code herald.deliveries}, or a subscription's parked
         * queue), the store record, which carries the event id as its duplicate id, and the store
         * records that follow it (parked deliveries' deferral).
         */
        record Fanout(String eventId, List<Publisher.Outgoing> deliveries, String logRecord, List<String> after) implements Decision {}

        /** Another copy is being dispatched right now: look again at {@code until}. */
        record Busy(long until) implements Decision {}

        /** Already dispatched: dropped. */
        record Duplicate() implements Decision {}

        /**
         * Inline only: not fanned out here; the event goes to {@code herald.events}, where the dispatch
         * consumer decides (an ordering lane to join in accept order, a copy being dispatched elsewhere).
         */
        record ToDispatch() implements Decision {}
    }

    private final SubscriptionRegistry subscriptions;
    private final Store store;
    private final OrderingLanes lanes;
    private final long recheckMillis;
    private final Tracing tracing;
    private volatile Parker parker = (subscription, now) -> null;
    private volatile Quota quota = (partner, now) -> null;
    private volatile String instanceId;
    private volatile Counts counts = new Counts() {
        @Override
        public void parked(String subscriptionId) {}

        @Override
        public void refused(String subscriptionId) {}
    };
    private final Set<String> refused = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REFUSED_KEPT;
        }
    }));

    /** @param recheckMillis how long a copy whose twin is being dispatched elsewhere waits before it is looked at again */
    public Dispatcher(SubscriptionRegistry subscriptions, Store store, OrderingLanes lanes, long recheckMillis) {
        this(subscriptions, store, lanes, recheckMillis, Tracing.off());
    }

    public Dispatcher(SubscriptionRegistry subscriptions, Store store, OrderingLanes lanes, long recheckMillis, Tracing tracing) {
        this.subscriptions = subscriptions;
        this.store = store;
        this.lanes = lanes;
        this.recheckMillis = recheckMillis;
        this.tracing = tracing;
    }

    /**
     * Whether a subscription's new deliveries go straight to its parked queue: while its circuit is
     * open (and not due for a probe) an attempt could only park them, so they are parked here instead
     * of passing through {@code herald.deliveries}, where a burst for a broken partner would stand in
     * every other partner's way.
     */
    public interface Parker {
        /** Until when this subscription's circuit is open, when its deliveries should be parked now; null to send them on. */
        Long parkUntil(String subscriptionId, long now) throws SQLException;
    }

    public void parkOpenCircuits(Parker parker) {
        this.parker = parker;
    }

    /**
     * Whether a partner may have one more delivery waiting: a partner at its quota of queued
     * deliveries gets its new ones refused here, as dead letters with the reason (replayable once its
     * backlog has drained), so a partner that is down cannot fill the broker.
     */
    public interface Quota {
        /** Why this partner's new delivery is refused now; null when it may go (and is then counted as waiting). */
        String refuse(String partnerId, long now) throws SQLException;
    }

    /** What dispatch did besides sending on, counted once its batch committed. */
    public interface Counts {
        void parked(String subscriptionId);

        void refused(String subscriptionId);
    }

    /** @param instanceId names this instance in the attempt a refused delivery records */
    public void limitPartners(Quota quota, String instanceId) {
        this.quota = quota;
        this.instanceId = instanceId;
    }

    public void countWith(Counts counts) {
        this.counts = counts;
    }

    /**
     * One decision per event (CloudEvent JSON), in order. The batch holds its events' ids until it
     * is over ({@code undo}'s afterwards steps let them go).
     */
    public List<Decision> dispatch(List<String> jsons, long now, BatchConsumer.Undo undo) throws SQLException {
        List<JsonNode> events = new ArrayList<>(jsons.size());
        for (String json : jsons) events.add(Json.tree(json));
        return decide(events, now, undo, false);
    }

    /**
     * Dispatch inside an ingress's transaction ({@link InlineDispatch}): the same decisions, except
     * that an event is not fanned out here when it needs what only the dispatch consumer does - a
     * place in an ordering lane (taken in {@code herald.events}' order, one key at a time), or a
     * second look later because another copy is being dispatched right now. Those are
     * {@link Decision.ToDispatch}; nothing is written for them.
     */
    public List<Decision> dispatchInline(List<JsonNode> events, long now, BatchConsumer.Undo undo) throws SQLException {
        return decide(events, now, undo, true);
    }

    private List<Decision> decide(List<JsonNode> events, long now, BatchConsumer.Undo undo, boolean inline) throws SQLException {
        // Matched first: inline, an event that needs a lane place is left to the dispatch consumer and holds nothing here.
        List<List<Subscription>> matches = new ArrayList<>(events.size());
        Set<String> ids = new LinkedHashSet<>();
        for (JsonNode event : events) {
            List<Subscription> matched = subscriptions.match(event.path("type").asText(), event);
            boolean toDispatch = inline && event.hasNonNull("orderingkey") && matched.stream().anyMatch(Subscription::ordered);
            matches.add(toDispatch ? null : matched);
            String id = event.path("id").asText();
            if (!toDispatch && !refused.contains(id)) ids.add(id);
        }
        Store.EventLocks locks = inline ? store.tryLockEvents(ids) : store.lockEvents(ids);
        undo.afterwards(locks::release);
        Set<String> dispatched = store.dispatched(locks.taken());
        Set<String> seen = new HashSet<>();
        List<Decision> decisions = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            String id = event.path("id").asText();
            String type = event.path("type").asText();
            if (matches.get(i) == null) {
                decisions.add(new Decision.ToDispatch());
            } else if (!seen.add(id) || dispatched.contains(id) || refused.contains(id)) {
                LOG.info("Event {} ({}) was already dispatched; duplicate dropped", id, type);
                decisions.add(new Decision.Duplicate());
            } else if (!locks.taken().contains(id)) {
                LOG.debug("Event {} is being dispatched elsewhere; looking at it again in {} ms", id, recheckMillis);
                decisions.add(inline ? new Decision.ToDispatch() : new Decision.Busy(now + recheckMillis));
            } else {
                decisions.add(fanOut(event, id, type, matches.get(i), now, undo));
            }
        }
        return decisions;
    }

    /**
     * The broker refused this event's fan-out: its id is in the broker's cache of dispatched ids, so
     * another copy was fanned out and committed. The copy is dropped when it comes back.
     */
    public void refusedAsDuplicate(String eventId) {
        refused.add(eventId);
    }

    private Decision fanOut(JsonNode event, String id, String type, List<Subscription> matched, long now, BatchConsumer.Undo undo)
            throws SQLException {
        String key = event.hasNonNull("orderingkey") ? event.get("orderingkey").asText() : null;
        Tracing.Trace trace = tracing.dispatched(new Tracing.Trace(event.path("traceparent").asText(null),
                event.path("tracestate").asText(null)), id, type, matched.size());
        List<Publisher.Outgoing> deliveries = new ArrayList<>(matched.size());
        List<LogRecord.Target> targets = new ArrayList<>(matched.size());
        List<String> after = new ArrayList<>(0);
        for (Subscription s : matched) {
            boolean ordered = s.ordered() && key != null;
            Delivery d = new Delivery(Delivery.idFor(id, s.id()), id, s.id(), 1, event, ordered ? key : null).inTrace(trace);
            // Not dispatched after all: the redelivered event queues again at the tail. A place kept from
            // before is not given back: it may be a committed copy's (this one refused by the broker).
            if (ordered && lanes.join(s.id(), key, d.id()).joined()) undo.add(() -> leaveQuietly(d));
            // An ordered delivery keeps its lane's order through herald.deliveries, as before (a partner's is never ordered).
            String refusal = ordered || s.partner() == null ? null : quota.refuse(s.partner(), now);
            Long parkedUntil = ordered || refusal != null ? null : parker.parkUntil(s.id(), now);
            if (refusal != null) {
                refuse(d, refusal, now, deliveries, after);
                undo.onCommit(() -> counts.refused(s.id()));
            } else if (parkedUntil == null) {
                deliveries.add(new Publisher.Outgoing(BrokerDefaults.DELIVERIES, Json.string(d)));
            } else {
                deliveries.add(new Publisher.Outgoing(Parking.queue(s.id()), Json.string(d),
                        Map.of(DeliveryAttempts.DEFERRED_HEADER, Admission.Why.CIRCUIT.label())));
                after.add(Json.string(new LogRecord.Deferred(d.id(), id, s.id(), 1, now, Admission.Why.CIRCUIT.label(), parkedUntil)));
                undo.onCommit(() -> counts.parked(s.id()));
            }
            targets.add(new LogRecord.Target(d.id(), s.id()));
        }
        LOG.debug("Event {} ({}) fans out to {} subscription(s)", id, type, deliveries.size());
        return new Decision.Fanout(id, deliveries, Json.string(new LogRecord.Dispatched(event, now, targets)), after);
    }

    /**
     * A delivery refused without a call: its attempt (dead, with the reason, so the partner sees why)
     * and its dead letter, on herald.dead and in the store.
     */
    private void refuse(Delivery d, String reason, long now, List<Publisher.Outgoing> deliveries, List<String> after) {
        String dead = DeliveryAttempts.deadRecord(d, reason, now);
        deliveries.add(new Publisher.Outgoing(BrokerDefaults.DEAD, dead, Map.of(BrokerDefaults.DEAD_DELIVERY_ID, d.id())));
        // Named by the delivery: a copy dispatched again after a rollback records the same attempt.
        String attemptId = UUID.nameUUIDFromBytes((d.id() + "|refused").getBytes(StandardCharsets.UTF_8)).toString();
        after.add(Json.string(new LogRecord.Attempt(attemptId, d.id(), d.eventId(), d.subscriptionId(), 1, now, 0, null, null, reason,
                DeliveryStatus.DEAD.value(), null, instanceId)));
        after.add(dead);
        LOG.debug("Delivery {} to {} refused: {}", d.id(), d.subscriptionId(), reason);
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
