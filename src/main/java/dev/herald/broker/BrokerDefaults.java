package dev.herald.broker;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/** The broker-side redelivery policy of the embedded broker (deploy/artemis/herald-broker.properties says the same for external ones). */
public final class BrokerDefaults {

    /** Herald's queues, for the Java code that sends to them (the core routes name them too). */
    public static final String EVENTS = "herald.events";
    public static final String DELIVERIES = "herald.deliveries";
    public static final String DEAD = "herald.dead";
    /** On a message on herald.dead: the delivery it is the dead letter of, so a replay can take it off. */
    public static final String DEAD_DELIVERY_ID = "herald_delivery_id";
    public static final String REJECTED = "herald.rejected";
    /** Where the pipeline's store records go. */
    public static final String LOG = "herald.log";
    /** Where the broker moves a message that keeps failing for unexpected reasons (a bug, not bad input). */
    public static final String POISON_QUEUE = "herald.poison";
    /** Herald sets no expiry; named so the broker has somewhere to put a message a client sent with one. */
    public static final String EXPIRED = "herald.expired";

    /** Deliveries waiting on an open circuit: one queue per subscription, herald.parked.<id>. */
    public static final String PARKED = "herald.parked.#";
    /** A parked queue holds at most this much in memory; beyond it the broker pages to disk. */
    public static final long PARKED_IN_MEMORY_BYTES = 10L * 1024 * 1024;

    /** Every queue of Herald's own (herald.*). */
    public static final java.util.List<String> QUEUES = java.util.List.of(EVENTS, DELIVERIES, DEAD, REJECTED, LOG, POISON_QUEUE, EXPIRED);

    private BrokerDefaults() {}

    /**
     * A route that throws rolls its JMS transaction back; the broker then redelivers with backoff
     * (1 s doubling to 1 min) so an outage of the store does not spin, and after 100 tries parks the
     * message on {@link #POISON_QUEUE} rather than dropping it.
     */
    public static AddressSettings addressSettings() {
        return new AddressSettings()
                .setDefaultAddressRoutingType(RoutingType.ANYCAST)
                .setDefaultQueueRoutingType(RoutingType.ANYCAST)
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2.0)
                .setMaxRedeliveryDelay(60_000)
                .setMaxDeliveryAttempts(100)
                .setDeadLetterAddress(SimpleString.of(POISON_QUEUE))
                .setExpiryAddress(SimpleString.of(EXPIRED))
                .setAutoDeleteQueues(false)
                .setAutoDeleteAddresses(false);
    }

    /**
     * Parked queues page to disk beyond {@link #PARKED_IN_MEMORY_BYTES}: a partner down for days with
     * a million deliveries waiting holds the broker's disk, not its memory (address settings merge,
     * so the rest is the "#" policy).
     */
    public static AddressSettings parkedSettings() {
        return new AddressSettings()
                .setMaxSizeBytes(PARKED_IN_MEMORY_BYTES)
                .setAddressFullMessagePolicy(org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy.PAGE);
    }

    /**
     * {@code herald.log}'s own: its duplicate-id cache holds the ids of the last {@code dispatchedIds}
     * events dispatched (each event's {@code dispatched} record carries its id as
     * {@code _AMQ_DUPL_ID}), persisted with the journal. Artemis merges this with {@link #addressSettings()}.
     */
    public static AddressSettings logAddressSettings(int dispatchedIds) {
        if (dispatchedIds < 1) throw new IllegalArgumentException("herald.dispatch.id-cache-size must be at least 1, not " + dispatchedIds);
        return new AddressSettings().setIDCacheSize(dispatchedIds);
    }
}
