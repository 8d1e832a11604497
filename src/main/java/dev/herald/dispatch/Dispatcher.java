package dev.herald.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.deliver.Delivery;
import dev.herald.event.Json;
import dev.herald.store.LogRecord;
import dev.herald.store.OrderingLanes;
import dev.herald.store.Store;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionRegistry;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatch: claims the event id (de-duplication), matches subscriptions, and prepares one delivery
 * message per match plus the store record. The route sends them all in the consumer's JMS
 * transaction, so the fan-out is all or nothing. A delivery to an ordered subscription takes its
 * place in the lane of the event's {@code orderingkey} here, in dispatch order.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    public static final String OUTCOME = "heraldDispatch";
    public static final String LOG_RECORD = "heraldLogRecord";

    private final SubscriptionRegistry subscriptions;
    private final Store store;
    private final OrderingLanes lanes;
    private final long leaseMillis;

    public Dispatcher(SubscriptionRegistry subscriptions, Store store, OrderingLanes lanes, long leaseMillis) {
        this.subscriptions = subscriptions;
        this.store = store;
        this.lanes = lanes;
        this.leaseMillis = leaseMillis;
    }

    public void dispatch(Exchange exchange) throws Exception {
        String json = exchange.getMessage().getBody(String.class);
        JsonNode event = Json.tree(json);
        String id = event.path("id").asText();
        String type = event.path("type").asText();
        exchange.getMessage().getHeaders().clear();
        long now = System.currentTimeMillis();
        Store.Claim claim = store.claim(id, now, leaseMillis);
        exchange.setProperty(OUTCOME, claim.name());
        switch (claim) {
            case DUPLICATE -> LOG.info("Event {} ({}) was already dispatched; duplicate dropped", id, type);
            case BUSY -> {
                // Held by another dispatcher, or committed a moment ago: look again once the lease is up.
                exchange.getMessage().setHeader("_AMQ_SCHED_DELIVERY", now + leaseMillis);
                LOG.debug("Event {} is being dispatched elsewhere; checking again in {} ms", id, leaseMillis);
            }
            case NEW -> {
                String key = event.hasNonNull("orderingkey") ? event.get("orderingkey").asText() : null;
                List<Delivery> laned = new ArrayList<>();
                exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                    @Override
                    public void onFailure(Exchange failed) {
                        store.release(id);
                        // Not dispatched after all: the redelivered event queues again at the tail.
                        for (Delivery d : laned) leaveQuietly(d);
                    }
                });
                List<Subscription> matched = subscriptions.match(type, event);
                List<String> deliveries = new ArrayList<>(matched.size());
                List<LogRecord.Target> targets = new ArrayList<>(matched.size());
                for (Subscription s : matched) {
                    boolean ordered = s.ordered() && key != null;
                    Delivery d = new Delivery(Delivery.idFor(id, s.id()), id, s.id(), 1, event, ordered ? key : null);
                    if (ordered) {
                        laned.add(d);
                        lanes.enter(s.id(), key, d.id());
                    }
                    deliveries.add(Json.string(d));
                    targets.add(new LogRecord.Target(d.id(), s.id()));
                }
                exchange.getMessage().setBody(deliveries);
                exchange.setProperty(LOG_RECORD, Json.string(new LogRecord.Dispatched(event, now, targets)));
                LOG.debug("Event {} ({}) fans out to {} subscription(s)", id, type, deliveries.size());
            }
        }
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
