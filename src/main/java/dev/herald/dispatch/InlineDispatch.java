package dev.herald.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.broker.BatchConsumer;
import dev.herald.broker.BrokerDefaults;
import dev.herald.broker.BrokerErrors;
import dev.herald.broker.Publisher;
import dev.herald.event.CloudEvent;
import dev.herald.event.Json;
import dev.herald.ingress.HandOff;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.JmsException;
import org.springframework.jms.connection.ConnectionFactoryUtils;
import org.springframework.jms.core.JmsTemplate;

/**
 * Dispatch inside the ingress's transaction: an accepted event is matched and its deliveries and
 * {@code dispatched} record are sent with the same commit that acknowledges its source, instead of
 * going through {@code herald.events} and a second commit first. What only the dispatch consumer
 * can do - give an ordered delivery its lane place in accept order, look again at a copy being
 * dispatched elsewhere, sort out a redelivered source message - still goes through
 * {@code herald.events} ({@link Dispatcher.Decision.ToDispatch}).
 *
 * <p>Copies are caught as in dispatch (docs/architecture.md, <em>Copies of an event</em>): the
 * transaction holds its events' ids until it is over, the store's {@code events} rows, and the
 * {@code dispatched} record's duplicate id, which makes the broker refuse a second fan-out. Kafka and
 * HTTP commit their own transaction, so they let the ids go right after it ({@link HandOff#send}).
 * A JMS ingress route's transaction is committed by Spring's listener container after the route
 * has finished, with no hook after the commit: the ids are let go when the same thread starts on
 * another message (its commit has returned by then), or by {@link #sweep} once they have been held
 * a second, whichever comes first ({@link HeldIds}).
 */
public final class InlineDispatch implements HandOff {

    private static final Logger LOG = LoggerFactory.getLogger(InlineDispatch.class);
    private static final long STORE_RETRY_MILLIS = 5_000;

    private final Dispatcher dispatcher;
    private final ConnectionFactory connections;
    private final JmsTemplate jms;
    private final HeldIds held = new HeldIds();
    private final boolean enabled;
    private volatile long storeAwayUntil;

    /**
     * @param connections the JMS component's connection factory: the one ingress routes' transactions are bound to
     * @param enabled false: every event goes through {@code herald.events}, as before ({@code herald.dispatch.inline})
     */
    public InlineDispatch(Dispatcher dispatcher, ConnectionFactory connections, boolean enabled) {
        this.dispatcher = dispatcher;
        this.enabled = enabled;
        this.connections = connections;
        this.jms = new JmsTemplate(connections);
        this.jms.setSessionTransacted(true);
    }

    @Override
    public Prepared prepare(List<CloudEvent> events) throws Exception {
        if (!enabled) return HandOff.viaDispatch().prepare(events);
        List<JsonNode> trees = new ArrayList<>(events.size());
        for (CloudEvent e : events) trees.add(Json.MAPPER.valueToTree(e));
        return prepareTrees(trees);
    }

    private Prepared prepareTrees(List<JsonNode> events) throws Exception {
        long now = System.currentTimeMillis();
        if (now < storeAwayUntil) return Prepared.of(allToDispatch(events));
        BatchConsumer.Undo undo = new BatchConsumer.Undo();
        List<Dispatcher.Decision> decisions;
        try {
            decisions = dispatcher.dispatchInline(events, now, undo);
        } catch (SQLException e) {
            // Without the store no copy can be ruled out: the events wait on herald.events, as they did
            // before inline dispatch, and the ingress goes on accepting. Tried again after a pause, not per event.
            undo.rolledBack();
            storeAwayUntil = now + STORE_RETRY_MILLIS;
            LOG.warn("The store is not answering ({}); accepted events go to {} for dispatch until it does (looked at again in {} s)",
                    e.getMessage(), BrokerDefaults.EVENTS, STORE_RETRY_MILLIS / 1000);
            return Prepared.of(allToDispatch(events));
        }
        List<Publisher.Outgoing> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Dispatcher.Decision d = decisions.get(i);
            if (d instanceof Dispatcher.Decision.Fanout f) {
                out.addAll(f.deliveries());
                out.add(new Publisher.Outgoing(BrokerDefaults.LOG, f.logRecord(), Map.of(DispatchConsumer.DUPLICATE_ID, f.eventId())));
                for (String r : f.after()) out.add(new Publisher.Outgoing(BrokerDefaults.LOG, r));
            } else if (d instanceof Dispatcher.Decision.ToDispatch) {
                out.add(toDispatch(events.get(i)));
            }
        }
        return new Prepared() {
            @Override
            public List<Publisher.Outgoing> messages() {
                return out;
            }

            @Override
            public void over() {
                undo.over();
            }

            @Override
            public void committed() {
                undo.succeeded();
            }
        };
    }

    /**
     * Camel entry point, the accept route's last step: the body is the accepted event (JSON, as
     * {@code eventFactory.accept} leaves it). Sends its hand-off on the route's transacted session,
     * so it commits with the source message's acknowledgement; a route with no JMS transaction of its
     * own (a Kafka record at a time) gets one here, committed before this returns.
     */
    public void accept(Exchange exchange) throws Exception {
        // Another source message on this thread: the previous one's transaction is over (Spring commits before the next receive).
        held.working(source(exchange));
        byte[] body = exchange.getMessage().getBody(byte[].class);
        JsonNode event = Json.MAPPER.readTree(body);
        // The event as accept wrote it, for herald.events if it goes there (not serialised again).
        List<Publisher.Outgoing> viaDispatch = List.of(toDispatch(event, new String(body, StandardCharsets.UTF_8)));
        // A source message the broker redelivers may have been fanned out by a commit whose answer was lost:
        // the dispatch consumer sorts that out (and remembers a copy the broker refused).
        Prepared prepared = !enabled || redelivered(exchange) ? Prepared.of(viaDispatch) : prepareTrees(List.of(event));
        boolean bound;
        try {
            bound = jms.execute(session -> {
                boolean routeTransaction = ConnectionFactoryUtils.isSessionTransactional(session, connections);
                Publisher.sendOn(session, prepared.messages());
                if (!routeTransaction) session.commit();
                return routeTransaction;
            }, true);
        } catch (JmsException e) {
            prepared.over();
            if (!(e.getCause() instanceof JMSException j) || !BrokerErrors.isDuplicate(j)) throw e;
            // Refused as a copy (only a transaction of its own commits here): dispatch drops it.
            jms.execute(session -> {
                Publisher.sendOn(session, viaDispatch);
                session.commit();
                return null;
            }, true);
            return;
        }
        if (bound) {
            held.hold(prepared::over);
            // Committed with the route's transaction, when its exchange completes.
            exchange.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
                @Override
                public void onComplete(Exchange done) {
                    prepared.committed();
                }
            });
        } else {
            prepared.committed();
            prepared.over();
        }
    }

    private static List<Publisher.Outgoing> allToDispatch(List<JsonNode> events) {
        List<Publisher.Outgoing> out = new ArrayList<>(events.size());
        for (JsonNode e : events) out.add(toDispatch(e));
        return out;
    }

    private static Publisher.Outgoing toDispatch(JsonNode event) {
        return toDispatch(event, Json.string(event));
    }

    /** @param json the event's text */
    private static Publisher.Outgoing toDispatch(JsonNode event, String json) {
        return HandOff.toDispatch(event.path("id").asText(), event.hasNonNull("orderingkey") ? event.get("orderingkey").asText() : null, json);
    }

    /** Lets go of ids held longer than {@code olderThanMillis} by threads that have taken no message since (a housekeeping job). */
    public void sweep(long olderThanMillis) {
        held.sweep(olderThanMillis);
    }

    /** The source message's identity: a split's parts share the consumed JMS message. */
    private static Object source(Exchange exchange) throws JMSException {
        if (exchange.getMessage() instanceof JmsMessage m && m.getJmsMessage() != null) {
            String id = m.getJmsMessage().getJMSMessageID();
            if (id != null) return id;
        }
        return exchange.getExchangeId();
    }

    private static boolean redelivered(Exchange exchange) throws JMSException {
        return exchange.getMessage() instanceof JmsMessage m && m.getJmsMessage() != null && m.getJmsMessage().getJMSRedelivered();
    }
}
