package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.HeraldProcess;
import dev.herald.support.Http;
import dev.herald.support.KafkaBroker;
import dev.herald.support.LogCapture;
import dev.herald.support.Receiver;
import dev.herald.support.StandardWebhooksVerifier;
import dev.herald.support.TestHerald;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka in (routes/ingress-kafka.yaml) and out (the kafka channel), against a real KRaft broker. */
class KafkaTest {

    static KafkaBroker kafka;
    static Receiver receiver;
    static TestHerald herald;

    @BeforeAll
    static void start() throws Exception {
        kafka = KafkaBroker.start();
        kafka.createTopic("platform.events", 3);
        kafka.createTopic("partner.payments", 1);
        receiver = new Receiver();
        herald = TestHerald.start("""
                subscriptions:
                  - id: users-hook
                    types: ["user.*"]
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                  - id: payments-to-kafka
                    types: ["payment.*"]
                    channel: kafka
                    parameters: {topic: partner.payments}
                """.formatted(receiver.url("/users")), kafkaSettings("platform.events"));
    }

    static Map<String, String> kafkaSettings(String topic) {
        return Map.of("herald.kafka.enabled", "true", "herald.kafka.brokers", kafka.bootstrap(), "herald.kafka.topics", topic);
    }

    @AfterAll
    static void stop() throws Exception {
        if (herald != null) herald.close();
        if (receiver != null) receiver.close();
        if (kafka != null) kafka.close();
    }

    @Test
    void aRecordArrivesAsASignedWebhookAndASecondCopyIsDeliveredOnce() throws Exception {
        for (int i = 0; i < 2; i++) {
            produce("platform.events", "user-42", "{\"userId\": 42, \"plan\": \"pro\"}",
                    Map.of("ce_type", "user.signed_up", "ce_id", "kafka-evt-1", "ce_source", "urn:accounts"));
        }
        Receiver.Request r = await().atMost(Duration.ofSeconds(30)).until(
                () -> receiver.requests("/users").stream().filter(x -> x.bodyText().contains("kafka-evt-1")).findFirst().orElse(null),
                x -> x != null);
        JsonNode event = Json.tree(r.bodyText());
        assertThat(event.path("id").asText()).isEqualTo("kafka-evt-1");
        assertThat(event.path("type").asText()).isEqualTo("user.signed_up");
        assertThat(event.path("source").asText()).isEqualTo("urn:accounts");
        assertThat(event.path("orderingkey").asText()).as("the record key").isEqualTo("user-42");
        assertThat(event.path("data").path("plan").asText()).isEqualTo("pro");
        assertThat(StandardWebhooksVerifier.verify(herald.secret, r.header("webhook-id"), r.header("webhook-timestamp"),
                r.header("webhook-signature"), r.body(), System.currentTimeMillis() / 1000, 300)).isTrue();

        // A later record on the same key (so the same partition) proves the second copy has been read;
        // then wait until nothing is left in flight (a parked duplicate counts) before counting.
        produce("platform.events", "user-42", "{\"userId\": 42}", Map.of("ce_type", "user.signed_up", "ce_id", "kafka-evt-marker"));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests("/users").stream().anyMatch(x -> x.bodyText().contains("kafka-evt-marker"))
                && herald.broker().messageCount("herald.events") == 0
                && herald.broker().messageCount("herald.deliveries") == 0);
        assertThat(receiver.requests("/users")).filteredOn(x -> x.bodyText().contains("kafka-evt-1")).hasSize(1);
        // Offsets are committed asynchronously, with a later poll: they still get there.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(committedLag("platform.events")).isZero());
    }

    /** Records of the topic that Herald's consumer group has not committed yet. */
    static long committedLag(String topic) throws Exception {
        try (var admin = kafka.admin()) {
            return lag(admin, topic);
        }
    }

    private static long lag(org.apache.kafka.clients.admin.Admin admin, String topic) throws Exception {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets("herald").partitionsToOffsetAndMetadata().get();
        long lag = 0;
        for (var tp : admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()) {
            var partition = new org.apache.kafka.common.TopicPartition(topic, tp.partition());
            long end = admin.listOffsets(Map.of(partition, org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get()
                    .get(partition).offset();
            var c = committed.get(partition);
            lag += end - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** herald.accept.max-event-bytes holds for Kafka records too, before anything parses them. */
    @Test
    void aRecordOverTheSizeLimitIsRejectedWithItsSizeAndTheNextOneFlows() throws Exception {
        try (LogCapture log = new LogCapture()) {
            List<String> reasons = new java.util.ArrayList<>();
            for (int size : new int[] {300_000, 5_000_000}) {
                String value = "{\"userId\": 1, \"pad\": \"" + "KAFKAPAD".repeat(size / 8) + "\"}";
                produce("platform.events", "big", value, Map.of("ce_type", "user.signed_up", "ce_id", "kafka-big-" + size));
                reasons.add("the message is " + value.length() + " bytes; the limit is 262144 (herald.accept.max-event-bytes)");
            }
            produce("platform.events", "big", "{\"userId\": 2}", Map.of("ce_type", "user.signed_up", "ce_id", "kafka-after-big"));
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests("/users").stream()
                    .anyMatch(x -> x.bodyText().contains("kafka-after-big")));
            assertThat(receiver.requests("/users")).noneMatch(x -> x.bodyText().contains("kafka-big-"));
            assertThat(herald.browse("herald.rejected")).filteredOn(m -> "ingress-kafka".equals(m.get("herald_route")))
                    .extracting(m -> m.get("herald_reason")).containsAll(reasons);
            assertThat(log.text()).doesNotContain("KAFKAPAD");
        }
    }

    /** A refused record is kept with its topic and its CloudEvents headers as text, so that it can be re-driven through accept. */
    @Test
    void aRefusedRecordIsKeptWithItsTopicAndHeaders() throws Exception {
        produce("platform.events", "customer-3", "{\"plan\": \"pro\"}", Map.of("ce_type", "user.signed_up", "ce_id", "kafka-refused-1"));
        Map<String, String> kept = await().atMost(Duration.ofSeconds(30)).until(() -> herald.browse("herald.rejected").stream()
                .filter(m -> "kafka-refused-1".equals(m.get("ce_id"))).findFirst().orElse(null), m -> m != null);
        assertThat(kept.get("herald_source")).isEqualTo("kafka:platform.events");
        assertThat(kept.get("ce_type")).isEqualTo("user.signed_up");
        assertThat(kept.get("kafka_DOT_KEY")).isEqualTo("customer-3");
        assertThat(kept.get("herald_rejected_id")).isNotBlank();
        // Accept still refuses it (the catalog wants a userId): the answer says why, and it stays.
        var r = Http.post(herald.http("/api/rejected/" + kept.get("herald_rejected_id") + "/redrive"), "application/json", "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("userId");
        assertThat(herald.browse("herald.rejected")).anyMatch(m -> "kafka-refused-1".equals(m.get("ce_id")));
    }

    @Test
    void withoutAProducerIdTheEventIdComesFromTheRecordsPosition() throws Exception {
        produce("platform.events", null, "{\"userId\": 7}", Map.of("ce_type", "user.deleted"));
        Receiver.Request r = await().atMost(Duration.ofSeconds(30)).until(
                () -> receiver.requests("/users").stream().filter(x -> x.bodyText().contains("user.deleted")).findFirst().orElse(null),
                x -> x != null);
        JsonNode event = Json.tree(r.bodyText());
        assertThat(event.path("source").asText()).isEqualTo("herald:kafka:platform.events");
        assertThat(event.path("id").asText()).matches("[0-9a-f-]{36}");
    }

    @Test
    void aKafkaSubscriptionGetsTheEventAsTheRecordValue() throws Exception {
        produce("platform.events", "order-9", "{\"amount\": 12.5}", Map.of("ce_type", "payment.failed", "ce_id", "pay-1"));

        Properties p = kafka.clientProperties();
        p.put("group.id", "test-reader");
        p.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("partner.payments"));
            ConsumerRecord<String, String> got = await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(500))) return rec;
                return null;
            }, x -> x != null);
            JsonNode event = Json.tree(got.value());
            assertThat(event.path("id").asText()).isEqualTo("pay-1");
            assertThat(event.path("type").asText()).isEqualTo("payment.failed");
            assertThat(got.key()).isEqualTo("order-9");
            assertThat(new String(got.headers().lastHeader("webhook-id").value(), StandardCharsets.UTF_8)).startsWith("msg_");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(herald.query("select status from deliveries where subscription_id = 'payments-to-kafka'"))
                        .containsExactly(Map.of("status", "succeeded")));
    }

    /**
     * Herald is killed after reading a record and before handing its event off (the route is held
     * in a delay there): the offset was not committed, so the restarted Herald reads it again.
     */
    @Test
    void aRecordReadButNotHandedOffIsReadAgainAfterAKill(@TempDir Path dir) throws Exception {
        kafka.createTopic("crash.events", 1);
        Files.writeString(dir.resolve("secret"), herald.secret);
        Files.writeString(dir.resolve("subscriptions.yaml"), TestHerald.webhooks("crash " + receiver.url("/crash"))
                .replace("SECRET_FILE", dir.resolve("secret").toString()));
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("ingress-kafka.yaml"), Files.readString(Path.of("routes/ingress-kafka.yaml"))
                .replace("        - to: direct:herald-accept", String.join("\n",
                        "        - log: \"read offset ${header.kafka.OFFSET}, holding it\"",
                        "        - delay:",
                        "            constant: 60000",
                        "        - to: direct:herald-accept")));
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "herald.data.dir", dir.resolve("data").toString(),
                "herald.broker.port", Integer.toString(TestHerald.freePort()),
                "herald.store.url", "jdbc:h2:file:" + dir.resolve("data/store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0",
                "herald.subscriptions.file", dir.resolve("subscriptions.yaml").toString(),
                "camel.main.routes-include-pattern", "classpath:herald/core/*.camel.yaml,file:" + routes + "/*.yaml"));
        settings.putAll(kafkaSettings("crash.events"));
        settings.put("herald.kafka.group-id", "crash-test");

        try (HeraldProcess first = HeraldProcess.start(settings, Map.of(), dir.resolve("first.log"))) {
            produce("crash.events", "k", "{\"orderId\": \"CR-1\"}", Map.of("ce_type", "order.created", "ce_id", "crash-1"));
            first.awaitLog("holding it", Duration.ofSeconds(30));
            first.kill();
        }
        assertThat(receiver.requests("/crash")).isEmpty();

        settings.put("camel.main.routes-include-pattern", "classpath:herald/core/*.camel.yaml,file:routes/*.yaml");
        try (HeraldProcess second = HeraldProcess.start(settings, Map.of(), dir.resolve("second.log"))) {
            // The killed consumer still holds the partition until its session times out (10 s).
            await().atMost(Duration.ofSeconds(45)).until(() -> !receiver.requests("/crash").isEmpty());
            assertThat(Json.tree(receiver.requests("/crash").get(0).bodyText()).path("id").asText()).isEqualTo("crash-1");
        }
    }

    static void produce(String topic, String key, String value, Map<String, String> headers) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientProperties(), new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> rec = new ProducerRecord<>(topic, key, value);
            headers.forEach((k, v) -> rec.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            producer.send(rec).get();
        }
    }
}
