package dev.herald.admin;

import dev.herald.broker.BrokerDefaults;
import dev.herald.event.Json;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The broker's copies of dead letters on {@code herald.dead}. The store's {@code dead_letters} are
 * what the admin API lists and replays; a replay also takes the queue copy off, in the transaction
 * that sends the delivery back, so the queue (and its depth metric) holds exactly the dead letters
 * not replayed.
 */
final class DeadLetterQueue {

    /** How long to wait for a message the browser has just seen. */
    private static final long RECEIVE_MILLIS = 2000;

    private DeadLetterQueue() {}

    /** Takes the copies of these deliveries' dead letters off herald.dead on the caller's transacted session; returns how many. */
    static int take(Session session, Collection<String> deliveryIds) throws JMSException {
        if (deliveryIds.isEmpty()) return 0;
        Queue dead = session.createQueue(BrokerDefaults.DEAD);
        Set<String> wanted = new HashSet<>(deliveryIds);
        List<String> messageIds = new ArrayList<>();
        // Messages put there before the deliver route set the property are recognised by their body.
        String selector = Selectors.in(BrokerDefaults.DEAD_DELIVERY_ID, wanted) + " OR " + BrokerDefaults.DEAD_DELIVERY_ID + " IS NULL";
        try (QueueBrowser browser = session.createBrowser(dead, selector)) {
            for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
                Message m = (Message) e.nextElement();
                String id = m.getStringProperty(BrokerDefaults.DEAD_DELIVERY_ID);
                if (id == null) id = deliveryIdInBody(m);
                if (id != null && wanted.contains(id)) messageIds.add(m.getJMSMessageID());
            }
        }
        if (messageIds.isEmpty()) return 0;
        int taken = 0;
        try (MessageConsumer consumer = session.createConsumer(dead, Selectors.in("JMSMessageID", messageIds))) {
            while (taken < messageIds.size() && consumer.receive(RECEIVE_MILLIS) != null) taken++;
        }
        return taken;
    }

    private static String deliveryIdInBody(Message m) throws JMSException {
        if (!(m instanceof TextMessage t) || t.getText() == null) return null;
        try {
            String id = Json.tree(t.getText()).path("deliveryId").asText(null);
            return id == null || id.isEmpty() ? null : id;
        } catch (RuntimeException notJson) {
            return null;
        }
    }
}
