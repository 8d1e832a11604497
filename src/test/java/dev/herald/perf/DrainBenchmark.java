package dev.herald.perf;

import dev.herald.Herald;
import dev.herald.channel.WebhookSigner;
import dev.herald.support.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One whole process, start to last delivery: Herald on its embedded defaults (Artemis journal, H2
 * store) with one webhook subscription to a loopback receiver; {@code N} legacy orders sent over
 * JMS as fast as the broker takes them, then the time until the last one is delivered. Made to be
 * timed from outside as a whole process (bench/drain.sh), e.g. one JVM against another, so start-up
 * and the JIT's warm-up count as a user's first minute does.
 *
 * <p>Usage: {@code DrainBenchmark N}. Prints one line: events, seconds from the first send to the last
 * delivery, and deliveries per second. Bounded: gives up after 10 minutes.
 */
public final class DrainBenchmark {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path dir = Files.createTempDirectory("herald-drain");
        try (FastReceiver receiver = new FastReceiver()) {
            Files.writeString(dir.resolve("secret"), WebhookSigner.newSecret());
            Files.writeString(dir.resolve("subscriptions.yaml"), """
                    subscriptions:
                      - id: drain
                        types: ["order.*"]
                        channel: webhook
                        parameters: {url: "%s", secretFile: %s}
                    """.formatted(receiver.url("/drain"), dir.resolve("secret")));
            int brokerPort = TestHerald.freePort();
            Map<String, String> o = new LinkedHashMap<>();
            o.put("herald.data.dir", dir.resolve("data").toString());
            o.put("herald.broker.port", Integer.toString(brokerPort));
            o.put("herald.http.port", Integer.toString(TestHerald.freePort()));
            o.put("herald.management.port", Integer.toString(TestHerald.freePort()));
            o.put("herald.store.url", "jdbc:h2:file:" + dir.resolve("data/store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0");
            o.put("herald.subscriptions.file", dir.resolve("subscriptions.yaml").toString());
            o.put("herald.ssrf.allow", "127.0.0.1:" + receiver.port());
            o.put("herald.deliver.max-in-flight-per-subscription", "64");
            Herald herald = new Herald(o).start();
            String broker = "tcp://127.0.0.1:" + brokerPort + "?user=producer&password="
                    + Files.readString(dir.resolve("data/broker-producer.password")).trim();
            long t0 = System.nanoTime();
            try (PoissonLoad.Source jms = PoissonLoad.jms(broker, "legacy.orders")) {
                for (int i = 0; i < n; i++) jms.send("D-" + i, System.nanoTime() / 1000);
            }
            long deadline = t0 + 600_000_000_000L;
            while (receiver.received.get() < n && System.nanoTime() < deadline) Thread.sleep(10);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("drain: %,d events, %,d delivered in %.1f s: %,.0f deliveries/s (%s)%n", n, receiver.received.get(), s,
                    receiver.received.get() / s, System.getProperty("java.version"));
            herald.stop();
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }
}
