package dev.herald.ingress;

import dev.herald.broker.BrokerDefaults;
import dev.herald.broker.BrokerErrors;
import dev.herald.broker.Publisher;
import dev.herald.event.CloudEvent;
import dev.herald.event.Json;
import jakarta.jms.JMSException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How an ingress hands its accepted events on, inside its own JMS transaction: fanned out to their
 * deliveries there and then, or put on {@code herald.events} for the dispatch consumer. Dispatch
 * implements it ({@code InlineDispatch}); an ingress sees only this.
 */
public interface HandOff {

    /** The messages that hand these events on, and what they hold until their transaction is over. */
    Prepared prepare(List<CloudEvent> events) throws Exception;

    /** What {@link #prepare} made: send the messages in one transaction, then call {@link #over}, committed or not. */
    interface Prepared {
        List<Publisher.Outgoing> messages();

        /** The transaction is over: lets go of the event ids it held. Never throws. */
        void over();

        /** The transaction committed: counts what it did. Never throws. */
        default void committed() {}

        /** Messages that hold nothing. */
        static Prepared of(List<Publisher.Outgoing> messages) {
            return new Prepared() {
                @Override
                public List<Publisher.Outgoing> messages() {
                    return messages;
                }

                @Override
                public void over() {}
            };
        }
    }

    /** Sends messages in one transaction (a {@link Publisher}, a group commit). */
    interface Sender {
        void send(List<Publisher.Outgoing> messages) throws Exception;
    }

    /**
     * Hands the events on with {@code also} (kept rejects, say) in one transaction. If the broker
     * refuses it because one of the events was fanned out a moment ago (its id in the duplicate-id
     * cache), the same events go to {@code herald.events} instead, in a new transaction, and
     * dispatch drops the copy: the caller still answers "accepted", which is true.
     */
    static void send(HandOff handOff, List<CloudEvent> events, List<Publisher.Outgoing> also, Sender sender) throws Exception {
        Prepared prepared = handOff.prepare(events);
        List<Publisher.Outgoing> out = new ArrayList<>(prepared.messages());
        out.addAll(also);
        try {
            sender.send(out);
            prepared.committed();
            return;
        } catch (JMSException e) {
            if (!BrokerErrors.isDuplicate(e)) throw e;
        } finally {
            prepared.over();
        }
        List<Publisher.Outgoing> again = new ArrayList<>(events.size() + also.size());
        for (CloudEvent e : events) again.add(toDispatch(e));
        again.addAll(also);
        sender.send(again);
    }

    /** The event for the dispatch consumer: its id, and JMSXGroupID = the ordering key (one key's events dispatched in order). */
    static Publisher.Outgoing toDispatch(CloudEvent event) {
        return toDispatch(event.id(), event.orderingkey(), Json.string(event));
    }

    /** @param orderingKey null: none */
    static Publisher.Outgoing toDispatch(String eventId, String orderingKey, String eventJson) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("herald_event_id", eventId);
        if (orderingKey != null) properties.put("JMSXGroupID", orderingKey);
        return new Publisher.Outgoing(BrokerDefaults.EVENTS, eventJson, properties);
    }

    /** Every event to {@code herald.events}, as before inline dispatch: what tests and a cautious operator can choose. */
    static HandOff viaDispatch() {
        return events -> {
            List<Publisher.Outgoing> out = new ArrayList<>(events.size());
            for (CloudEvent e : events) out.add(toDispatch(e));
            return Prepared.of(out);
        };
    }
}
