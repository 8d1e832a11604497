package dev.herald.tools;

import com.sun.net.httpserver.HttpServer;
import dev.herald.deliver.WebhookSigner;
import dev.herald.event.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** Small commands behind {@code bin/herald}: {@code secret}, {@code apikey}, {@code receive} and {@code send}. */
public final class Tools {

    private Tools() {}

    /** A new API key: the key for the caller, and the entry (its hash) for Herald's settings. */
    static void apikey(String[] args) {
        String name = args.length > 1 ? args[1] : "";
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            System.err.println("usage: bin/herald apikey NAME   (NAME: who uses the key, such as shop-backend; letters, digits, . _ -)");
            System.exit(2);
        }
        String key = dev.herald.http.ApiKeys.newKey();
        System.out.println("key (give it to " + name + ", Herald keeps only its hash): " + key);
        System.out.println("setting entry (add to herald.http.ingest-keys or herald.http.admin-keys, comma separated): "
                + name + ":" + dev.herald.http.ApiKeys.hash(key));
    }

    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "" : args[0];
        switch (cmd) {
            case "secret" -> System.out.println(WebhookSigner.newSecret());
            case "apikey" -> apikey(args);
            case "receive" -> receive(args);
            case "send" -> send(args);
            default -> {
                System.err.println("usage: Tools secret | receive [--host 127.0.0.1] [--port 9000] [--status 200] [--secret-file F] [--expect N]"
                        + " | send [--url tcp://127.0.0.1:61616] [--user producer] [--password P] [--queue legacy.orders] [--count 1] [--threads 1] [--file F]"
                        + " | send --kafka 127.0.0.1:9092 [--topic platform.events] [--key K] [--header ce_type=order.created] [--file F]");
                System.exit(2);
            }
        }
    }

    /** Load-test receiver: answers 200 at once, prints when {@code expect} requests have arrived and how fast. */
    static void countOnly(String host, int port, int expect) throws IOException {
        AtomicInteger n = new AtomicInteger();
        AtomicLong first = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
            int k = n.incrementAndGet();
            long now = System.currentTimeMillis();
            first.compareAndSet(0, now);
            if (k == expect) {
                System.out.printf("received %d webhooks; first at %d, last at %d (%d ms apart)%n", k, first.get(), now, now - first.get());
            }
        });
        server.start();
        System.out.println("Counting webhooks on http://" + host + ":" + port + "/ until " + expect + " have arrived.");
    }

    /** Sends JSON orders (or a file) to a queue over Core JMS, as a legacy producer would; prints the rate. */
    static void send(String[] args) throws Exception {
        String url = "tcp://127.0.0.1:61616";
        String user = "producer";
        String password = null;
        String queue = "legacy.orders";
        int count = 1;
        int threads = 1;
        String file = null;
        String kafka = null;
        String topic = "platform.events";
        String key = null;
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < args.length - 1; i += 2) {
            switch (args[i]) {
                case "--kafka" -> kafka = args[i + 1];
                case "--topic" -> topic = args[i + 1];
                case "--key" -> key = args[i + 1];
                case "--header" -> {
                    String[] kv = args[i + 1].split("=", 2);
                    headers.put(kv[0], kv.length > 1 ? kv[1] : "");
                }
                case "--url" -> url = args[i + 1];
                case "--user" -> user = args[i + 1];
                case "--password" -> password = args[i + 1];
                case "--queue" -> queue = args[i + 1];
                case "--count" -> count = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--file" -> file = Files.readString(Path.of(args[i + 1]));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (kafka != null) {
            sendKafka(kafka, topic, key, headers, file, count);
            return;
        }
        String fixed = file;
        String q = queue;
        int total = count;
        AtomicInteger next = new AtomicInteger();
        long t0 = System.currentTimeMillis();
        System.out.println("sending " + count + " message(s) to " + queue + " at " + url + " as " + user + ", start " + t0);
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url, user, password != null ? password : producerPassword())) {
            List<Thread> workers = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    try (Connection c = cf.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
                        MessageProducer p = s.createProducer(s.createQueue(q));
                        for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                            String body = fixed != null ? fixed : "{\"orderId\": \"LOAD-" + i + "\", \"status\": \"created\","
                                    + " \"total\": " + (i % 2000) + ", \"customer\": {\"id\": \"C-" + (i % 97) + "\", \"country\": \"DE\"},"
                                    + " \"pad\": \"" + "x".repeat(800) + "\"}";
                            p.send(s.createTextMessage(body));
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                w.start();
                workers.add(w);
            }
            for (Thread w : workers) w.join();
        }
        long ms = System.currentTimeMillis() - t0;
        System.out.printf("sent %d in %d ms (%.0f/s)%n", count, ms, count * 1000.0 / Math.max(ms, 1));
    }

    /**
     * The legacy producers' broker password: HERALD_BROKER_PRODUCER_PASSWORD, else the one the embedded
     * broker made in data/broker-producer.password.
     */
    static String producerPassword() throws IOException {
        String env = System.getenv("HERALD_BROKER_PRODUCER_PASSWORD");
        if (env != null && !env.isBlank()) return env.trim();
        Path file = Path.of("data/broker-producer.password");
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("no producer password: give --password, set HERALD_BROKER_PRODUCER_PASSWORD,"
                    + " or start Herald once (its embedded broker makes " + file + ")");
        }
        return Files.readString(file).trim();
    }

    /** Sends records to a Kafka topic, as a service publishing events would. */
    static void sendKafka(String brokers, String topic, String key, Map<String, String> headers, String file, int count)
            throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", brokers);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                String body = file != null ? file : "{\"orderId\": \"K-" + i + "\", \"status\": \"created\"}";
                ProducerRecord<String, String> rec = new ProducerRecord<>(topic, key, body);
                headers.forEach((k, v) -> rec.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
                var meta = producer.send(rec).get();
                System.out.println("sent to " + meta.topic() + "/" + meta.partition() + " at offset " + meta.offset());
            }
        }
    }

    /**
     * A loopback webhook receiver for the walkthrough: prints each delivery and whether its
     * signature verifies, answering 200 (or the status in {@code --status}).
     */
    static void receive(String[] args) throws IOException {
        int port = 9000;
        String host = "127.0.0.1";
        int status = 200;
        int expect = 0;
        Path secretFile = Path.of("data/demo-webhook.secret");
        for (int i = 1; i < args.length - 1; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--host" -> host = args[i + 1];
                case "--status" -> status = Integer.parseInt(args[i + 1]);
                case "--secret-file" -> secretFile = Path.of(args[i + 1]);
                case "--expect" -> expect = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (expect > 0) {
            countOnly(host, port, expect);
            return;
        }
        byte[] key = WebhookSigner.decodeSecret(Files.readString(secretFile).trim());
        int answer = status;
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String id = ex.getRequestHeaders().getFirst("webhook-id");
            String ts = ex.getRequestHeaders().getFirst("webhook-timestamp");
            String sig = ex.getRequestHeaders().getFirst("webhook-signature");
            boolean valid = id != null && ts != null && sig != null
                    && List.of(sig.split(" ")).stream().anyMatch(s -> MessageDigest.isEqual(
                            s.getBytes(StandardCharsets.UTF_8),
                            WebhookSigner.sign(id, Long.parseLong(ts), body, List.of(key)).getBytes(StandardCharsets.UTF_8)));
            System.out.printf("%s  POST %s  webhook-id=%s  %s%n%s%n%n", Instant.now(), ex.getRequestURI(), id,
                    sig == null ? "unsigned (not a webhook: Slack, ...)" : valid ? "signature VALID" : "signature INVALID",
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Json.MAPPER.readTree(body)));
            ex.sendResponseHeaders(answer, -1);
            ex.close();
        });
        server.start();
        System.out.println("Receiving webhooks on http://" + host + ":" + port + "/ (answering " + status + "); Ctrl-C to stop.");
    }

}
