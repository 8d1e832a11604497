package dev.herald.dispatch;

import dev.herald.broker.BatchConsumer;
import dev.herald.broker.BrokerDefaults;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Consumes {@code herald.events} in batches and sends what the {@link Dispatcher} decided: every
 * delivery of every event in the batch and their store records, plus events to look at again
 * later (scheduled by the broker), committed together with the consumed events. Under load the
 * batch is whatever queued up while the previous one committed; alone, an event is its own batch.
 */
public final class DispatchConsumer extends BatchConsumer {

    private static final String GROUP = "JMSXGroupID";

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
                for (String d : f.deliveries()) producer.send(deliveries, session.createTextMessage(d));
                producer.send(log, session.createTextMessage(f.logRecord()));
            } else if (decision instanceof Dispatcher.Decision.Busy b) {
                TextMessage again = session.createTextMessage(bodies.get(i));
                again.setLongProperty("_AMQ_SCHED_DELIVERY", b.until());
                String group = batch.get(i).message().getStringProperty(GROUP);
                if (group != null) again.setStringProperty(GROUP, group);
                producer.send(events, again);
            }
        }
    }
}
