package dev.herald.dispatch;

import dev.herald.broker.BatchConsumer;
import dev.herald.broker.BrokerDefaults;
import dev.herald.broker.Publisher;
import dev.herald.broker.BrokerErrors;
import dev.herald.event.Json;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code herald.events} in batches and sends what the {@link Dispatcher} decided: every
 * delivery of every event in the batch and their store records, plus events to look at again
 * later (scheduled by the broker), committed together with the consumed events. Under load the
 * batch is whatever queued up while the previous one committed; alone, an event is its own batch.
 *
 * <p>Each event's {@code dispatched} record carries the event id as {@code _AMQ_DUPL_ID}, and only
 * that record: so the broker refuses to commit a second fan-out of the event while the id is in its
 * cache, and retries and replays (other records, other queues) are never taken for copies. A batch
 * refused that way comes back one event at a time; an event refused alone is remembered and
 * dropped when it comes back.
 */
public final class DispatchConsumer extends BatchConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchConsumer.class);
    private static final String GROUP = "JMSXGroupID";
    /** Artemis' duplicate-detection property ({@code Message.HDR_DUPLICATE_DETECTION_ID}). */
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";

    private final Dispatcher dispatcher;

    public DispatchConsumer(ConnectionFactory connectionFactory, Dispatcher dispatcher, int threads, int batchSize) {
        super("herald-dispatch", connectionFactory, BrokerDefaults.EVENTS, threads, batchSize, 0);
        this.dispatcher = dispatcher;
    }

    @Override
    protected void handle(List<Received> batch, Session session, MessageProducer producer, Undo undo) throws Exception {
        List<String> bodies = new ArrayList<>(batch.size());
        for (Received m : batch) bodies.add(m.text());
        List<Dispatcher.Decision> decisions = dispatcher.dispatch(bodies, System.currentTimeMillis(), undo);
        Queue deliveries = session.createQueue(BrokerDefaults.DELIVERIES);
        Queue log = session.createQueue(BrokerDefaults.LOG);
        Queue events = session.createQueue(BrokerDefaults.EVENTS);
        for (int i = 0; i < batch.size(); i++) {
            Dispatcher.Decision decision = decisions.get(i);
            if (decision instanceof Dispatcher.Decision.Fanout f) {
                for (Publisher.Outgoing d : f.deliveries()) {
                    TextMessage m = session.createTextMessage(d.body());
                    for (var p : d.properties().entrySet()) m.setStringProperty(p.getKey(), p.getValue());
                    producer.send(d.queue().equals(BrokerDefaults.DELIVERIES) ? deliveries : session.createQueue(d.queue()), m);
                }
                TextMessage record = session.createTextMessage(f.logRecord());
                record.setStringProperty(DUPLICATE_ID, f.eventId());
                producer.send(log, record);
                for (String r : f.after()) producer.send(log, session.createTextMessage(r));
            } else if (decision instanceof Dispatcher.Decision.Busy b) {
                TextMessage again = session.createTextMessage(bodies.get(i));
                again.setLongProperty("_AMQ_SCHED_DELIVERY", b.until());
                String group = batch.get(i).message().getStringProperty(GROUP);
                if (group != null) again.setStringProperty(GROUP, group);
                producer.send(events, again);
            }
        }
    }

    @Override
    protected boolean expected(List<Received> batch, Exception failure) {
        if (!(failure instanceof JMSException e) || !BrokerErrors.isDuplicate(e)) return false;
        if (batch.size() == 1) {
            String id = Json.tree(batch.get(0).text()).path("id").asText();
            dispatcher.refusedAsDuplicate(id);
            LOG.info("Event {} was dispatched a moment ago (the broker refused a second fan-out); duplicate dropped when it comes back", id);
        } else {
            LOG.info("A batch of {} events held a copy of one dispatched a moment ago (the broker refused a second fan-out);"
                    + " they come back one by one, and the copy is dropped", batch.size());
        }
        return true;
    }
}
