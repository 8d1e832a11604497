package dev.herald.perf;

import dev.herald.Herald;
import dev.herald.broker.EmbeddedBroker;
import dev.herald.channel.WebhookSigner;
import dev.herald.support.KafkaBroker;
import dev.herald.support.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka ingress alone, in one JVM (bench/kafka-ingest.sh): a real Kafka broker (KRaft, child JVM),
 * Herald with its defaults (embedded Artemis with its journal, H2) consuming {@code platform.events}
 * (3 partitions), and a fast loopback receiver. Two measurements:
 * <ol>
 *   <li><b>backlog</b>: N records are on the topic before Herald starts; how fast Herald takes them
 *       in — committed offsets against time, from the first commit to the last. Their events match
 *       no subscription, so this is ingress (and dispatch's look at each event), not delivery.</li>
 *   <li><b>steps</b>: open-loop Poisson arrivals of 1 KB structured CloudEvents (acks=all) at each
 *       rate, each event delivered to the receiver; throughput, and latency from the producer's send
 *       to the receiver's receipt (p50/p99/p99.9), as bench/perf.sh measures the other sources.</li>
 * </ol>
 * Only public entry points ({@link Herald}) and the perf/test support are used, so the same file
 * runs against an older commit's tree (the script's REF). Not a test: it asserts nothing.
 *
 * <p>Usage: {@code KafkaIngestBenchmark [seconds=10] [rates=250,1000] [backlog=20000]}.
 */
public final class KafkaIngestBenchmark {

    private static final String TOPIC = "platform.events";
    private static final String GROUP = "herald";

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        double[] rates = java.util.Arrays.stream((args.length > 1 ? args[1] : "250,1000").split(",")).mapToDouble(Double::parseDouble)
                .toArray();
        int backlog = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        Path dir = Files.createTempDirectory("herald-kafka-bench");
        System.out.printf("kafka ingest: %d cores, Java %s, %d s per step, backlog %,d records%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), seconds, backlog);
        try {
            measure(dir, seconds, rates, backlog);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static void measure(Path dir, int seconds, double[] rates, int backlog) throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start(); FastReceiver receiver = new FastReceiver()) {
            kafka.createTopic(TOPIC, 3);
            produceBacklog(kafka.bootstrap(), backlog);
            Herald herald = start(dir, receiver, kafka);
            try {
                drain(kafka, backlog);
                // The backlog's events are on herald.events: let dispatch, and the store writer after it,
                // finish with them before measuring latency (else the steps measure the backlog's tail).
                EmbeddedBroker broker = herald.context().getRegistry().lookupByNameAndType("heraldBroker", EmbeddedBroker.class);
                long t = System.nanoTime();
                while ((broker.messageCount("herald.events") > 0 || broker.messageCount("herald.log") > 0)
                        && System.nanoTime() - t < 600_000_000_000L) {
                    Thread.sleep(100);
                }
                System.out.printf("         (dispatch and the store writer finished with the backlog %.1f s later)%n",
                        (System.nanoTime() - t) / 1e9);
                run(receiver, kafka, "warm-up", 200, 5);
                for (double rate : rates) {
                    if (!run(receiver, kafka, "kafka", rate, seconds)) break;
                }
            } finally {
                herald.stop();
            }
        }
    }

    /** Records that become events no subscription takes (status "backlog"), all sent before Herald starts. */
    private static void produceBacklog(String bootstrap, int n) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                String id = "backlog-" + i;
                String event = "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"urn:perf\",\"type\":\"order.created\","
                        + "\"datacontenttype\":\"application/json\",\"data\":" + PoissonLoad.order(id, "backlog", 0) + "}";
                producer.send(new ProducerRecord<>(TOPIC, id, event));
            }
            producer.flush();
        }
    }

    /** Committed offsets sampled every 100 ms until the group has committed the whole backlog. */
    private static void drain(KafkaBroker kafka, int n) throws Exception {
        long deadline = System.nanoTime() + 600_000_000_000L;
        long firstAt = 0, firstLag = n, lag = n;
        try (Admin admin = kafka.admin()) {
            while (System.nanoTime() < deadline) {
                lag = lag(admin);
                long now = System.nanoTime();
                if (firstAt == 0 && lag < n) {
                    firstAt = now;
                    firstLag = lag;
                }
                if (lag == 0) break;
                Thread.sleep(100);
            }
            double s = (System.nanoTime() - firstAt) / 1e9;
            System.out.printf("backlog  %,d records: committed in %.1f s after the first commit = %,.0f records/s%s%n", n, s,
                    (firstLag - lag) / s, lag == 0 ? "" : "  (NOT drained: " + lag + " left)");
        }
    }

    private static long lag(Admin admin) throws Exception {
        var committed = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (int p = 0; p < 3; p++) latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
        long lag = 0;
        for (var e : admin.listOffsets(latest).all().get().entrySet()) {
            var c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** One open-loop step; true if sustained (everything delivered, the last within 1 s of the last one due). */
    private static boolean run(FastReceiver receiver, KafkaBroker kafka, String name, double rate, int seconds) throws Exception {
        int n = (int) (rate * seconds);
        long before = receiver.received.get();
        receiver.latencyUs.getIntervalHistogram();
        PoissonLoad.Run load = PoissonLoad.run(PoissonLoad.kafka(kafka.bootstrap(), TOPIC), rate, n,
                name + "-" + (long) rate + "-" + System.nanoTime() + "-");
        long t0 = load.start();
        // Judged against the schedule's end, as PerfBenchmark does: a generator that fell behind is no excuse.
        long sendEnd = load.dueEnd();
        long deadline = sendEnd + (long) ((seconds + 60) * 1e9);
        while (receiver.received.get() - before < n && System.nanoTime() < deadline) Thread.sleep(20);
        long delivered = receiver.received.get() - before;
        Histogram h = receiver.latencyUs.getIntervalHistogram();
        double elapsed = (receiver.lastReceivedNanos - t0) / 1e9;
        boolean sustained = delivered >= n && receiver.lastReceivedNanos - sendEnd <= 1_000_000_000L;
        System.out.printf("%-8s λ=%,6.0f/s  sent %,7d  delivered %,7d  %,8.0f/s  p50 %8.1f ms  p99 %8.1f ms  p99.9 %8.1f ms  %s%n",
                name, rate, n, delivered, delivered / elapsed, h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, sustained ? "sustained" : "NOT sustained");
        return sustained;
    }

    private static Herald start(Path dir, FastReceiver receiver, KafkaBroker kafka) throws Exception {
        Files.writeString(dir.resolve("secret"), WebhookSigner.newSecret());
        Files.writeString(dir.resolve("subscriptions.yaml"), """
                subscriptions:
                  - id: perf
                    types: ["order.*"]
                    filter: {data: {status: [created]}}
                    channel: webhook
                    parameters: {url: "%s", secretFile: %s}
                """.formatted(receiver.url("/herald"), dir.resolve("secret")));
        Map<String, String> o = new LinkedHashMap<>();
        o.put("herald.data.dir", dir.resolve("data").toString());
        o.put("herald.broker.port", Integer.toString(TestHerald.freePort()));
        o.put("herald.http.port", Integer.toString(TestHerald.freePort()));
        o.put("herald.management.port", Integer.toString(TestHerald.freePort()));
        o.put("herald.kafka.enabled", "true");
        o.put("herald.kafka.brokers", kafka.bootstrap());
        o.put("herald.kafka.topics", TOPIC);
        o.put("herald.kafka.group-id", GROUP);
        o.put("herald.store.url", "jdbc:h2:file:" + dir.resolve("data/store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0");
        o.put("herald.subscriptions.file", dir.resolve("subscriptions.yaml").toString());
        o.put("herald.ssrf.allow", "127.0.0.1:" + receiver.port());
        o.put("herald.deliver.max-in-flight-per-subscription", "16");
        // Experiments: -Dherald.<setting>=<value> (BENCH_JAVA_OPTS) overrides a setting.
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("herald.") || k.startsWith("camel."))
                .forEach(k -> o.put(k, System.getProperty(k)));
        return new Herald(o).start();
    }

    private KafkaIngestBenchmark() {}
}
