package dev.herald.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.broker.BrokerDefaults;
import dev.herald.broker.Publisher;
import dev.herald.deliver.Delivery;
import dev.herald.deliver.OperationalEvents;
import dev.herald.event.CloudEvent;
import dev.herald.event.Json;
import dev.herald.http.HttpProblem;
import dev.herald.store.AdminQueries;
import dev.herald.store.LogRecord;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts deliveries back on {@code herald.deliveries}: a dead letter (one, or in bulk by subscription
 * and time window), any past event to one subscription, or a test event. A replayed delivery keeps
 * its id (the partner's {@code webhook-id}), continues its attempt numbers and gets a whole retry
 * schedule again. A dead letter is marked replayed before it is sent, so two operators cannot
 * replay it twice; if sending fails the mark is taken back. Its copy on {@code herald.dead} is taken
 * off in the transaction that sends it back.
 */
public final class Replays {

    private static final Logger LOG = LoggerFactory.getLogger(Replays.class);
    static final int MAX_BULK = 10_000;
    private static final int CHUNK = 200;

    private final AdminQueries queries;
    private final SubscriptionRegistry subscriptions;
    private final Publisher publisher;

    public Replays(AdminQueries queries, SubscriptionRegistry subscriptions, Publisher publisher) {
        this.queries = queries;
        this.subscriptions = subscriptions;
        this.publisher = publisher;
    }

    public Map<String, Object> one(String deliveryId) throws Exception {
        Map<String, Object> dl = AdminApi.found(queries.deadLetter(deliveryId), "dead letter", deliveryId);
        if (dl.get("replayedAt") != null) {
            throw new HttpProblem(409, "dead letter " + deliveryId + " was already replayed at " + dl.get("replayedAt")
                    + "; its delivery's attempts show how that went");
        }
        Delivery d = Json.read((String) dl.get("delivery"), Delivery.class);
        requireDeliverable(d.subscriptionId());
        Delivery again = again(d);
        if (!queries.markReplayed(deliveryId, true)) throw new HttpProblem(409, "dead letter " + deliveryId + " is being replayed already");
        try {
            sendReplays(List.of(again));
        } catch (Exception e) {
            queries.markReplayed(deliveryId, false);
            throw e;
        }
        LOG.info("Replayed dead letter {} to {} (attempt {})", deliveryId, d.subscriptionId(), again.attempt());
        return Map.of("deliveryId", deliveryId, "subscriptionId", d.subscriptionId(), "attempt", again.attempt());
    }

    public Map<String, Object> bulk(AdminQueries.Filter filter, boolean dryRun) throws Exception {
        if (filter.limit() < 1 || filter.limit() > MAX_BULK) throw new HttpProblem(400, "limit must be 1-" + MAX_BULK);
        if (filter.subscription() != null) requireDeliverable(filter.subscription());
        // Dead letters of subscriptions that are gone or disabled cannot be delivered: left as they are, and counted.
        List<Delivery> eligible = new ArrayList<>();
        int skipped = 0;
        for (Map<String, Object> r : queries.deadLettersToReplay(filter)) {
            Delivery d = Json.read((String) r.get("delivery"), Delivery.class);
            if (whyNotDeliverable(d.subscriptionId()) != null) {
                skipped++;
            } else {
                eligible.add(d);
            }
        }
        List<String> ids = new ArrayList<>();
        if (dryRun) {
            eligible.forEach(d -> ids.add(d.id()));
        } else {
            for (int i = 0; i < eligible.size(); i += CHUNK) {
                List<Delivery> chunk = new ArrayList<>();
                for (Delivery d : eligible.subList(i, Math.min(eligible.size(), i + CHUNK))) {
                    if (!queries.markReplayed(d.id(), true)) continue; // replayed by someone else meanwhile
                    chunk.add(again(d));
                }
                try {
                    sendReplays(chunk);
                } catch (Exception e) {
                    for (Delivery d : chunk) queries.markReplayed(d.id(), false);
                    throw e;
                }
                chunk.forEach(d -> ids.add(d.id()));
            }
            LOG.info("Replayed {} dead letter(s) (subscription {}, from {}, to {}; {} skipped)", ids.size(), filter.subscription(),
                    filter.from(), filter.to(), skipped);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dryRun", dryRun);
        m.put("count", ids.size());
        m.put("skipped", skipped);
        m.put("deliveries", ids);
        return m;
    }

    /**
     * The events received since {@code since} (when the subscription was disabled) that it matches
     * and never got: delivered now, as dispatch would have.
     */
    public int recover(Subscription s, java.time.Instant since) throws Exception {
        List<Delivery> out = new ArrayList<>();
        for (Map<String, Object> row : queries.eventsWithoutDelivery(s.id(), since, MAX_BULK)) {
            JsonNode event = Json.tree((String) row.get("payload"));
            if (!s.matches(event.path("type").asText(), event)) continue;
            String eventId = (String) row.get("id");
            out.add(new Delivery(Delivery.idFor(eventId, s.id()), eventId, s.id(), 1, event));
        }
        for (int i = 0; i < out.size(); i += CHUNK) send(out.subList(i, Math.min(out.size(), i + CHUNK)));
        LOG.info("Recovered {} event(s) received for {} while it was disabled (since {})", out.size(), s.id(), since);
        return out.size();
    }

    public Map<String, Object> resend(String eventId, String subscriptionId) throws Exception {
        JsonNode event = AdminApi.found(queries.eventPayload(eventId), "event", eventId);
        requireDeliverable(subscriptionId);
        String id = Delivery.idFor(eventId, subscriptionId);
        int next = queries.attemptCount(id) + 1;
        send(List.of(new Delivery(id, eventId, subscriptionId, next, event, null, next)));
        LOG.info("Re-sent event {} to {} (delivery {}, attempt {})", eventId, subscriptionId, id, next);
        return Map.of("deliveryId", id, "subscriptionId", subscriptionId, "attempt", next);
    }

    /** A {@code herald.test} event delivered to this subscription only (recorded like any event). */
    public Map<String, Object> test(Subscription s) throws Exception {
        requireDeliverable(s.id());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("message", "A test event from Herald: if you can read this, delivery to " + s.id() + " works.");
        data.put("subscription", s.id());
        String eventId = UUID.randomUUID().toString();
        JsonNode event = Json.MAPPER.valueToTree(new CloudEvent(CloudEvent.SPEC_VERSION, eventId, OperationalEvents.SOURCE,
                "herald.test", s.id(), Instant.now().toString(), "application/json", null, Json.MAPPER.valueToTree(data)));
        Delivery d = new Delivery(Delivery.idFor(eventId, s.id()), eventId, s.id(), 1, event);
        publisher.send(List.of(
                new Publisher.Outgoing(BrokerDefaults.DELIVERIES, Json.string(d)),
                new Publisher.Outgoing(BrokerDefaults.LOG, Json.string(new LogRecord.Dispatched(event, System.currentTimeMillis(),
                        List.of(new LogRecord.Target(d.id(), s.id())))))));
        return Map.of("eventId", eventId, "deliveryId", d.id(), "subscriptionId", s.id());
    }

    /** The same delivery again, numbered after every attempt the store has seen, with a fresh schedule. */
    private Delivery again(Delivery d) throws Exception {
        return d.again(Math.max(queries.attemptCount(d.id()), d.attempt()) + 1);
    }

    /** Why nothing can be delivered to the subscription now, or null if it can. */
    private String whyNotDeliverable(String subscriptionId) {
        Subscription s = subscriptions.inForce(subscriptionId);
        if (s == null) {
            return "subscription '" + subscriptionId + "' no longer exists (it is not in config/subscriptions.yaml, nor a partner's);"
                    + " nothing can be delivered to it";
        }
        String disabled = subscriptions.disabledReason(subscriptionId);
        return disabled == null ? null : "subscription '" + subscriptionId + "' is disabled (" + disabled + "); enable it first: "
                + (s.partner() == null ? "POST /api/subscriptions/" + subscriptionId + "/enable"
                : "PATCH /partner/v1/subscriptions/" + subscriptionId + " {\"enabled\": true}");
    }

    private void requireDeliverable(String subscriptionId) {
        String why = whyNotDeliverable(subscriptionId);
        if (why != null) throw new HttpProblem(409, why);
    }

    private void send(List<Delivery> deliveries) throws Exception {
        publisher.send(outgoing(deliveries));
    }

    /** Replayed dead letters: sent back, and their copies taken off herald.dead, in one transaction. */
    private void sendReplays(List<Delivery> deliveries) throws Exception {
        if (deliveries.isEmpty()) return;
        publisher.send(outgoing(deliveries), session -> DeadLetterQueue.take(session, deliveries.stream().map(Delivery::id).toList()));
    }

    private static List<Publisher.Outgoing> outgoing(List<Delivery> deliveries) {
        List<Publisher.Outgoing> out = new ArrayList<>();
        for (Delivery d : deliveries) out.add(new Publisher.Outgoing(BrokerDefaults.DELIVERIES, Json.string(d)));
        return out;
    }
}
