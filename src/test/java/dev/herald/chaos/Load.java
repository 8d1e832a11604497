package dev.herald.chaos;

import dev.herald.event.Json;
import dev.herald.support.Receiver;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** Bounded loads for the chaos scenarios: legacy JSON orders over Core JMS, and counting what arrived. */
final class Load {

    private Load() {}

    /** One message to send: text, or raw bytes (for invalid UTF-8). */
    record Input(String text, byte[] bytes, String eventId) {
        static Input order(String orderId, String to) {
            return new Input(Json.string(Map.of("orderId", orderId, "status", "created", "to", to)), null, "chaos-" + orderId);
        }
    }

    /** Sends them to legacy.orders, committing every 200 (so the producer is not the bottleneck). */
    static void send(String url, String user, String password, List<Input> inputs) throws Exception {
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url, user, password);
             Connection c = cf.createConnection(); Session s = c.createSession(true, Session.SESSION_TRANSACTED)) {
            MessageProducer p = s.createProducer(s.createQueue("legacy.orders"));
            int n = 0;
            for (Input in : inputs) {
                if (in.bytes() != null) {
                    BytesMessage m = s.createBytesMessage();
                    m.writeBytes(in.bytes());
                    p.send(m);
                } else {
                    TextMessage m = s.createTextMessage(in.text());
                    if (in.eventId() != null) m.setStringProperty("eventId", in.eventId());
                    p.send(m);
                }
                if (++n % 200 == 0) s.commit();
            }
            s.commit();
        }
    }

    static List<Input> orders(String prefix, int n, String to) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> Input.order(prefix + i, to)).toList();
    }

    /** The distinct events a receiver path got (by CloudEvent id). */
    static Set<String> eventIds(Receiver receiver, String path) {
        return receiver.requests(path).stream().map(r -> Json.tree(r.bodyText()).path("id").asText()).collect(Collectors.toSet());
    }
}
