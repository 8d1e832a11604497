package dev.herald.perf;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Open-loop load: events at Poisson arrivals of rate λ (exponential gaps), 1 KB JSON orders, sent
 * persistently to a queue at their scheduled times whatever the system under test is doing (the
 * sends are asynchronous, so a slow broker does not slow the arrivals).
 */
final class PoissonLoad {

    static final String PAD = "x".repeat(900);

    private PoissonLoad() {}

    /** Sends {@code count} events at rate {@code perSecond}; returns the nanoTime of the first send. */
    static long run(String url, String queue, double perSecond, int count, String prefix) throws Exception {
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url);
        cf.setBlockOnDurableSend(false);
        cf.setConfirmationWindowSize(1 << 20);
        try (cf; Connection c = cf.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer p = s.createProducer(s.createQueue(queue));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            long start = System.nanoTime();
            double at = 0;
            for (int i = 0; i < count; i++) {
                long due = start + (long) (at * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                String body = "{\"orderId\":\"" + prefix + i + "\",\"status\":\"created\",\"sentAtUs\":" + System.nanoTime() / 1000
                        + ",\"pad\":\"" + PAD + "\"}";
                p.send(s.createTextMessage(body));
                at += -Math.log(1 - ThreadLocalRandom.current().nextDouble()) / perSecond;
            }
            return start;
        }
    }
}
