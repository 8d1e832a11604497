package dev.herald.tools;

import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code bin/herald send}: messages to a queue over Core JMS, as a legacy producer sends them, or
 * records to a Kafka topic ({@code --kafka}), as a service publishes events. Without {@code --file}
 * it makes sample orders (and, with {@code --count}, a load).
 */
@Command(name = "send", sortOptions = false,
        header = "Send messages to a queue over JMS, or records to a Kafka topic.",
        description = "Sends to a queue over Core JMS, as a legacy producer would; or, with --kafka, to a Kafka topic, as a"
                + " service would. Without --file each message is a sample order.")
final class SendCommand implements Callable<Integer> {

    @ParentCommand
    HeraldCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--queue", paramLabel = "QUEUE", description = "The queue (default: ${DEFAULT-VALUE}).")
    String queue = "legacy.orders";

    @Option(names = "--url", paramLabel = "URL", description = "The broker (default: ${DEFAULT-VALUE}).")
    String url = "tcp://127.0.0.1:61616";

    @Option(names = "--user", paramLabel = "USER", description = "The broker login (default: ${DEFAULT-VALUE}).")
    String user = "producer";

    @Option(names = "--password", paramLabel = "PASSWORD",
            description = "Its password (default: HERALD_BROKER_PRODUCER_PASSWORD, else data/broker-producer.password).")
    String password;

    @Option(names = "--threads", paramLabel = "N", description = "Producers sending at once (default: ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--kafka", paramLabel = "BROKERS", description = "Send to Kafka instead, at these bootstrap servers, such as 127.0.0.1:9092.")
    String kafka;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "With --kafka: the topic (default: ${DEFAULT-VALUE}).")
    String topic = "platform.events";

    @Option(names = "--key", paramLabel = "KEY", description = "With --kafka: the record key (Herald's ordering key).")
    String key;

    @Option(names = "--header", paramLabel = "NAME=VALUE", description = "With --kafka: a record header, such as ce_type=order.created; repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--file", paramLabel = "FILE", description = "Send this file's content (default: sample orders).")
    Path file;

    @Option(names = "--count", paramLabel = "N", description = "How many messages (default: ${DEFAULT-VALUE}).")
    int count = 1;

    @Override
    public Integer call() throws Exception {
        Usage.require(spec, count >= 1, "--count must be 1 or more; got " + count);
        Usage.require(spec, threads >= 1, "--threads must be 1 or more; got " + threads);
        var given = spec.commandLine().getParseResult();
        if (kafka != null) {
            for (String jmsOnly : List.of("--queue", "--url", "--user", "--password", "--threads")) {
                Usage.require(spec, !given.hasMatchedOption(jmsOnly), jmsOnly + " is for sending over JMS; with --kafka give --topic, --key, --header");
            }
        } else {
            for (String kafkaOnly : List.of("--topic", "--key", "--header")) {
                Usage.require(spec, !given.hasMatchedOption(kafkaOnly), kafkaOnly + " goes with --kafka BROKERS, such as --kafka 127.0.0.1:9092");
            }
        }
        String body = file == null ? null : read(file);
        if (kafka != null) sendKafka(body);
        else sendJms(body);
        return 0;
    }

    private static String read(Path file) throws IOException {
        if (!Files.isReadable(file)) throw new IllegalArgumentException("cannot read --file " + file);
        return Files.readString(file);
    }

    private void sendJms(String fixed) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long t0 = System.currentTimeMillis();
        cli.out.println("sending " + count + " message(s) to " + queue + " at " + url + " as " + user + ", start " + t0);
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url, user, password != null ? password : producerPassword())) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    try (Connection c = cf.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
                        MessageProducer p = s.createProducer(s.createQueue(queue));
                        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            p.send(s.createTextMessage(fixed != null ? fixed : sampleOrder(i)));
                        }
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    }
                });
                w.start();
                workers.add(w);
            }
            for (Thread w : workers) w.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("cannot send to " + queue + " at " + url + " as " + user, failure.get());
        }
        long ms = System.currentTimeMillis() - t0;
        cli.out.printf("sent %d in %d ms (%.0f/s)%n", count, ms, count * 1000.0 / Math.max(ms, 1));
    }

    private static String sampleOrder(int i) {
        return "{\"orderId\": \"LOAD-" + i + "\", \"status\": \"created\", \"total\": " + (i % 2000)
                + ", \"customer\": {\"id\": \"C-" + (i % 97) + "\", \"country\": \"DE\"}, \"pad\": \"" + "x".repeat(800) + "\"}";
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

    private void sendKafka(String fixed) throws Exception {
        Map<String, String> recordHeaders = new LinkedHashMap<>();
        for (String h : headers) {
            int eq = h.indexOf('=');
            Usage.require(spec, eq > 0, "--header wants NAME=VALUE, such as --header ce_type=order.created; got '" + h + "'");
            recordHeaders.put(h.substring(0, eq), h.substring(eq + 1));
        }
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka);
        // Without a broker the producer would wait a minute per record for metadata; say so sooner.
        p.put("max.block.ms", "15000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                ProducerRecord<String, String> rec = new ProducerRecord<>(topic, key,
                        fixed != null ? fixed : "{\"orderId\": \"K-" + i + "\", \"status\": \"created\"}");
                recordHeaders.forEach((k, v) -> rec.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
                var meta = producer.send(rec).get();
                cli.out.println("sent to " + meta.topic() + "/" + meta.partition() + " at offset " + meta.offset());
            }
        }
    }
}
