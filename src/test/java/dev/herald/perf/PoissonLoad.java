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

    /**
     * How a run kept to its schedule. {@code start}: the first event's due time (nanoTime);
     * {@code dueEnd}: the last event's due time — when the schedule ends, whatever the generator did;
     * {@code lastSent}: when the last send was actually made; {@code closed}: when every send had
     * been answered (the source closed). Lag is how late a send was made against its due time:
     * {@code maxLagNs} the worst, {@code p99LagNs} the 99th percentile, {@code lateSends} how many
     * were more than {@link #LATE_NS} late.
     */
    record Run(long start, long dueEnd, long lastSent, long closed, int sent, long maxLagNs, long p99LagNs, int lateSends) {

        /** Not an event later than this behind its due time: the arrivals were the ones asked for. */
        boolean keptUp(long boundNs) {
            return maxLagNs <= boundNs;
        }
    }

    /** A send more than this late counts in {@link Run#lateSends}. */
    static final long LATE_NS = 10_000_000L;

    /** Sends {@code count} events at rate {@code perSecond} (returns once every send has been answered). */
    static Run run(Source source, double perSecond, int count, String prefix) throws Exception {
        return run(source, perSecond, count, Long.MAX_VALUE, () -> false, prefix);
    }

    /**
     * Sends up to {@code count} events at rate {@code perSecond}, none due after {@code untilNanos}
     * and none once {@code stop} says so (a background load that runs until told).
     */
    static Run run(Source source, double perSecond, int count, long untilNanos, java.util.function.BooleanSupplier stop,
                   String prefix) throws Exception {
        long start, due = 0, lastSent = 0, maxLag = 0;
        int late = 0, sent = 0;
        // Lag in microseconds, up to an hour: where the 99th percentile of the sends was.
        org.HdrHistogram.Histogram lags = new org.HdrHistogram.Histogram(3_600_000_000L, 2);
        try (source) {
            start = System.nanoTime();
            double at = 0;
            for (int i = 0; i < count; i++) {
                long next = start + (long) (at * 1e9);
                if (next > untilNanos || stop.getAsBoolean()) break;
                due = next;
                long wait = due - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                long now = System.nanoTime();
                long lag = Math.max(0, now - due);
                maxLag = Math.max(maxLag, lag);
                lags.recordValue(Math.min(lag / 1000, lags.getHighestTrackableValue()));
                if (lag > LATE_NS) late++;
                source.send(prefix + i, now / 1000);
                lastSent = now;
                sent++;
                at += -Math.log(1 - ThreadLocalRandom.current().nextDouble()) / perSecond;
            }
        }
        return new Run(start, due, lastSent, System.nanoTime(), sent, maxLag, lags.getValueAtPercentile(99) * 1000, late);
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
        return jms(url, queue, "created");
    }

    /** Orders with this status (the benchmarks' subscriptions filter on it). */
    static Source jms(String url, String queue, String status) throws Exception {
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
                p.send(s.createTextMessage(order(orderId, status, sentAtUs)));
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

    /**
     * Each event its own request, as a producer without batching would send them. Sent
     * asynchronously, counted in flight; nothing per send grows with the number waiting for an
     * answer (a slow Herald must not slow the generator's own bookkeeping).
     */
    static Source http(String eventsUrl) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        java.util.concurrent.atomic.AtomicLong inFlight = new java.util.concurrent.atomic.AtomicLong();
        return new Source() {
            @Override
            public void send(String orderId, long sentAtUs) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(eventsUrl))
                        .header("Content-Type", "application/cloudevents+json")
                        .POST(HttpRequest.BodyPublishers.ofString(cloudEvent(orderId, sentAtUs))).build();
                inFlight.incrementAndGet();
                client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                    inFlight.decrementAndGet();
                    if (e != null || r.statusCode() != 202) System.err.println("POST /events: " + (e != null ? e : r.statusCode()));
                });
            }

            @Override
            public void close() throws Exception {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
                if (inFlight.get() > 0) System.err.println("POST /events: " + inFlight.get() + " requests unanswered after 60 s");
            }
        };
    }
}
