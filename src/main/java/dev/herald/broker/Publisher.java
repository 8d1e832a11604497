package dev.herald.broker;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.Map;

/**
 * Sends several messages to Herald's queues in one JMS transaction, for work that does not start
 * from a JMS consumer (HTTP ingest, the admin API): when {@link #send} returns, all of them are on
 * the broker's disk; when it throws, none are.
 */
public final class Publisher {

    /** One message: the queue, the text body and its string properties (such as JMSXGroupID). */
    public record Outgoing(String queue, String body, Map<String, String> properties) {
        public Outgoing(String queue, String body) {
            this(queue, body, Map.of());
        }
    }

    private final ConnectionFactory connections;

    public Publisher(ConnectionFactory connections) {
        this.connections = connections;
    }

    /** More work on the same session, committed (or rolled back) with the messages: taking one off a queue, say. */
    public interface InTransaction {
        void run(Session session) throws JMSException;
    }

    /** Sends the messages on a session someone else commits (a route's transacted session, say). */
    public static void sendOn(Session session, List<Outgoing> messages) throws JMSException {
        try (MessageProducer producer = session.createProducer(null)) {
            for (Outgoing o : messages) {
                TextMessage m = session.createTextMessage(o.body());
                for (var e : o.properties().entrySet()) m.setStringProperty(e.getKey(), e.getValue());
                producer.send(session.createQueue(o.queue()), m);
            }
        }
    }

    public void send(List<Outgoing> messages) throws JMSException {
        if (messages.isEmpty()) return;
        send(messages, null);
    }

    /** @param also run first, on the session the messages are sent on; null: nothing */
    public void send(List<Outgoing> messages, InTransaction also) throws JMSException {
        try (Connection c = connections.createConnection(); Session s = c.createSession(true, Session.SESSION_TRANSACTED)) {
            try {
                if (also != null) {
                    c.start(); // to receive
                    also.run(s);
                }
                sendOn(s, messages);
                s.commit();
            } catch (JMSException | RuntimeException e) {
                s.rollback();
                throw e;
            }
        }
    }
}
