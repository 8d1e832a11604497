package dev.herald.perf;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The best at-least-once webhook sender one would hand-write on the same broker: a few threads,
 * each with a transacted JMS session that takes up to {@code batch} messages per transaction (as
 * many as are there: it waits for the first only), signs each with the same Standard Webhooks
 * signer, POSTs them all at once through HttpClient 5's async client (many requests in flight over
 * a pool of keep-alive connections), and commits once every one was answered 2xx — or rolls the
 * whole batch back (the broker redelivers it). No store, no fan-out, no per-message retry
 * schedule: what remains is the cost of the hand-off itself, amortised over a batch. Herald's
 * distance from this is the price of its pipeline; its distance from {@link Baseline} (one message
 * per transaction) is what a naive sender would see.
 */
final class BatchedFloor implements AutoCloseable {

    private final List<Thread> threads = new ArrayList<>();
    private final AsyncPoster http;
    private final ActiveMQConnectionFactory cf;
    private volatile boolean running = true;

    /**
     * @param consumers   threads, each its own JMS session
     * @param batch       most messages in one transaction
     * @param connections HTTP/1.1 keep-alive connections to the receiver (requests beyond them wait for one)
     */
    BatchedFloor(String brokerUrl, String queue, String target, int consumers, int batch, int connections) {
        cf = new ActiveMQConnectionFactory(brokerUrl);
        http = new AsyncPoster(connections);
        for (int t = 0; t < consumers; t++) {
            Thread th = new Thread(() -> {
                try (Connection c = cf.createConnection(); Session s = c.createSession(true, Session.SESSION_TRANSACTED)) {
                    c.start();
                    MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
                    List<CompletableFuture<Integer>> answers = new ArrayList<>(batch);
                    while (running) {
                        Message m = consumer.receive(200);
                        if (m == null) continue;
                        answers.clear();
                        // This one and whatever else is already here, up to the batch size; no waiting to fill it.
                        do {
                            byte[] body = m.getBody(String.class).getBytes(StandardCharsets.UTF_8);
                            answers.add(http.post(target, "msg_" + UUID.randomUUID(), body));
                        } while (answers.size() < batch && (m = consumer.receiveNoWait()) != null);
                        boolean ok = true;
                        for (CompletableFuture<Integer> a : answers) {
                            try {
                                ok &= a.get(60, TimeUnit.SECONDS) / 100 == 2;
                            } catch (Exception e) {
                                ok = false;
                            }
                        }
                        if (ok) s.commit(); else s.rollback();
                    }
                } catch (Exception e) {
                    if (running) throw new IllegalStateException(e);
                }
            }, "floor-" + t);
            th.setDaemon(true);
            th.start();
            threads.add(th);
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        for (Thread t : threads) t.join(5000);
        http.close();
        cf.close();
    }
}
