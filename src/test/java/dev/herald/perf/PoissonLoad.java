package dev.herald.perf;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Open-loop load: events at Poisson arrivals of rate λ (exponential gaps), 1 KB JSON orders, sent at
 * their scheduled times whatever the system under test is doing (every source sends
 * asynchronously, so a slow system does not slow the arrivals). Sources: a JMS queue (persistent
 * messages), a Kafka topic (acks=all) and Herald's {@code POST /events}.
 */
final class PoissonLoad {

    static final String PAD = "x".repeat(900);

    /** Where the events go; {@link #close} waits until every send has been answered. */
    interface Source extends AutoCloseable {
        void send(String orderId, long sentAtUs) throws Exception;
    }

    private PoissonLoad() {}

    /** Sends {@code count} events at rate {@code perSecond}; returns the nanoTime of the first send. */
    static long run(Source source, double perSecond, int count, String prefix) throws Exception {
        try (source) {
            long start = System.nanoTime();
            double at = 0;
            for (int i = 0; i < count; i++) {
                long due = start + (long) (at * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                source.send(prefix + i, System.nanoTime() / 1000);
                at += -Math.log(1 - ThreadLocalRandom.current().nextDouble()) / perSecond;
            }
            return start;
        }
    }

    /** The order as a legacy system writes it (the data of the event). */
    static String order(String orderId, String status, long sentAtUs) {
        return "{\"orderId\":\"" + orderId + "\",\"status\":\"" + status + "\",\"sentAtUs\":" + sentAtUs + ",\"pad\":\"" + PAD + "\"}";
    }

    /** The order as a structured CloudEvent, as services send it to Kafka and to POST /events. */
    static String cloudEvent(String orderId, long sentAtUs) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + orderId + "\",\"source\":\"urn:perf\",\"type\":\"order.created\","
                + "\"datacontenttype\":\"application/json\",\"data\":" + order(orderId, "created", sentAtUs) + "}";
    }

    static Source jms(String url, String queue) throws Exception {
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url);
        cf.setBlockOnDurableSend(false);
        cf.setConfirmationWindowSize(1 << 20);
        Connection c = cf.createConnection();
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer p = s.createProducer(s.createQueue(queue));
        p.setDeliveryMode(DeliveryMode.PERSISTENT);
        return new Source() {
            @Override
            public void send(String orderId, long sentAtUs) throws Exception {
                p.send(s.createTextMessage(order(orderId, "created", sentAtUs)));
            }

            @Override
            public void close() throws Exception {
                c.close();
                cf.close();
            }
        };
    }

    static Source kafka(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        return new Source() {
            @Override
            public void send(String orderId, long sentAtUs) {
                producer.send(new ProducerRecord<>(topic, orderId, cloudEvent(orderId, sentAtUs)), (meta, e) -> {
                    if (e != null) System.err.println("kafka send failed: " + e);
                });
            }

            @Override
            public void close() {
                producer.close();
            }
        };
    }

    /** Each event its own request, as a producer without batching would send them. */
    static Source http(String eventsUrl) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ConcurrentLinkedQueue<CompletableFuture<HttpResponse<Void>>> pending = new ConcurrentLinkedQueue<>();
        return new Source() {
            @Override
            public void send(String orderId, long sentAtUs) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(eventsUrl))
                        .header("Content-Type", "application/cloudevents+json")
                        .POST(HttpRequest.BodyPublishers.ofString(cloudEvent(orderId, sentAtUs))).build();
                pending.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                    if (e != null || r.statusCode() != 202) System.err.println("POST /events: " + (e != null ? e : r.statusCode()));
                }));
                pending.removeIf(CompletableFuture::isDone);
            }

            @Override
            public void close() throws Exception {
                CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }
        };
    }
}
