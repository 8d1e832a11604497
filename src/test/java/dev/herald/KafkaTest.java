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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jakarta.jms.Connection;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueRequestor;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.ActiveMQJMSClient;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
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
        // Each batch's offsets are committed once its events are on the broker: none is left behind.
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

    /**
     * One poll of good and bad records: the bad ones (refused by accept, not JSON, without a type,
     * over the size limit) are kept on herald.rejected with their reasons, the good ones are
     * delivered once each, every offset is committed, and the poll took fewer broker commits than
     * it had records.
     */
    @Test
    void aPollWithBadRecordsAmongGoodOnesKeepsTheBadOnesAndDeliversTheRest() throws Exception {
        double commitsBefore = metric("herald_ingest_commits_total", "ingress=\"kafka\"");
        String big = "{\"userId\": 9, \"pad\": \"" + "x".repeat(300_000) + "\"}";
        List<ProducerRecord<String, String>> poll = List.of(
                record("mix-good-1", "{\"userId\": 1}", "user.signed_up"),
                record("mix-bad-schema", "{\"plan\": \"pro\"}", "user.signed_up"),
                record("mix-good-2", "{\"userId\": 2}", "user.signed_up"),
                record("mix-bad-json", "{\"userId\": ", "user.signed_up"),
                record("mix-bad-type", "{\"userId\": 3}", null),
                record("mix-bad-big", big, "user.signed_up"),
                record("mix-good-3", "{\"userId\": 4}", "user.signed_up"));
        // Sent together (one key, so one partition; one produce request), so that one poll reads them all.
        Properties p = kafka.clientProperties();
        p.put("linger.ms", "500");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (ProducerRecord<String, String> r : poll) producer.send(r);
            producer.flush();
        }

        Map<String, String> reasons = Map.of(
                "mix-bad-schema", "the data does not match the catalog's schema for user.signed_up",
                "mix-bad-json", "the body is not valid JSON",
                "mix-bad-type", "the event has no type",
                "mix-bad-big", "the message is " + big.length() + " bytes; the limit is 262144");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Map<String, String>> kept = herald.browse("herald.rejected");
            for (var reason : reasons.entrySet()) {
                assertThat(kept).as(reason.getKey()).anySatisfy(m -> {
                    assertThat(m.get("ce_id")).isEqualTo(reason.getKey());
                    assertThat(m.get("herald_reason")).contains(reason.getValue());
                    assertThat(m.get("herald_route")).isEqualTo("ingress-kafka");
                    assertThat(m.get("herald_source")).isEqualTo("kafka:platform.events");
                    assertThat(m.get("herald_rejected_id")).isNotBlank();
                    assertThat(m.get("kafka_DOT_KEY")).isEqualTo("mixed");
                });
            }
        });
        // Kept as they came: the body of the one that is not JSON is its text.
        assertThat(herald.browse("herald.rejected")).filteredOn(m -> "mix-bad-json".equals(m.get("ce_id")))
                .extracting(m -> m.get("body")).containsExactly("{\"userId\": ");
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of("mix-good-1", "mix-good-2", "mix-good-3").stream()
                .allMatch(id -> delivered("/users", id) > 0)
                && herald.broker().messageCount("herald.events") == 0 && herald.broker().messageCount("herald.deliveries") == 0);
        for (String id : List.of("mix-good-1", "mix-good-2", "mix-good-3")) assertThat(delivered("/users", id)).as(id).isEqualTo(1);
        assertThat(receiver.requests("/users")).noneMatch(r -> r.bodyText().contains("mix-bad-"));
        for (var reason : reasons.keySet()) {
            assertThat(herald.browse("herald.rejected")).filteredOn(m -> reason.equals(m.get("ce_id"))).as(reason).hasSize(1);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(committedLag("platform.events")).isZero());
        assertThat(metric("herald_ingest_commits_total", "ingress=\"kafka\"") - commitsBefore)
                .as("broker commits for a poll of " + poll.size() + " records").isBetween(1.0, poll.size() - 1.0);
    }

    /**
     * The broker refuses the hand-off (Herald may not send to herald.deliveries, where the fan-out
     * goes, nor to herald.events, for a while): no offset
     * is committed, and once the broker takes events again the records are read again and each is
     * delivered once.
     */
    @Test
    void aFailedHandOffCommitsNoOffsetAndTheRecordsAreReadAgain() throws Exception {
        List<String> ids = List.of("handoff-1", "handoff-2", "handoff-3");
        try (LogCapture log = new LogCapture()) {
            // Herald's own principal may no longer send to herald.deliveries nor herald.events (the broker's
            // security settings, changed live; herald.events last, since that is the one probed).
            for (String queue : List.of("herald.deliveries", "herald.events")) {
                management("addSecuritySettings", queue, "nobody", "herald", "herald", "herald", "herald", "herald", "herald",
                        "herald", "herald", "herald");
            }
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> !canSendToEvents());
                for (String id : ids) produce("platform.events", "handoff", "{\"userId\": 5}", Map.of("ce_type", "user.signed_up", "ce_id", id));
                await().atMost(Duration.ofSeconds(30)).until(() -> log.text().contains("Could not hand"));
                assertThat(log.text()).contains("will be read again");
                assertThat(committedLag("platform.events")).as("records not handed off are not committed").isGreaterThanOrEqualTo(ids.size());
                assertThat(receiver.requests("/users")).noneMatch(r -> r.bodyText().contains("handoff-"));
            } finally {
                management("removeSecuritySettings", "herald.events");
                management("removeSecuritySettings", "herald.deliveries");
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> delivered("/users", id) > 0)
                && herald.broker().messageCount("herald.events") == 0 && herald.broker().messageCount("herald.deliveries") == 0);
        for (String id : ids) assertThat(delivered("/users", id)).as(id).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(committedLag("platform.events")).isZero());
    }

    static ProducerRecord<String, String> record(String id, String value, String type) {
        ProducerRecord<String, String> r = new ProducerRecord<>("platform.events", "mixed", value);
        r.headers().add("ce_id", id.getBytes(StandardCharsets.UTF_8));
        if (type != null) r.headers().add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    static long delivered(String path, String eventId) {
        return receiver.requests(path).stream().filter(r -> Json.tree(r.bodyText()).path("id").asText().equals(eventId)).count();
    }

    /** A counter on the management port (0 before it was first counted). */
    static double metric(String name, String labels) throws Exception {
        String text = Http.get(herald.management("/observe/metrics")).body();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{" + Pattern.quote(labels)
                + ",?\\} ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** An operation of the broker's management API, invoked as Herald (which may manage its broker). */
    static void management(String operation, Object... args) throws Exception {
        var own = herald.broker().heraldLogin();
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(herald.brokerUrl(), own.user(), own.password());
             QueueConnection c = cf.createQueueConnection()) {
            c.start();
            QueueSession s = c.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.Message request = s.createMessage();
            JMSManagementHelper.putOperationInvocation(request, ResourceNames.BROKER, operation, args);
            jakarta.jms.Message reply = new QueueRequestor(s, ActiveMQJMSClient.createQueue("activemq.management")).request(request);
            assertThat(JMSManagementHelper.hasOperationSucceeded(reply)).as(operation + ": " + JMSManagementHelper.getResult(reply)).isTrue();
        }
    }

    /** Whether Herald's principal can put an event on herald.events now (one no subscription matches, if it can). */
    static boolean canSendToEvents() throws Exception {
        var own = herald.broker().heraldLogin();
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(herald.brokerUrl(), own.user(), own.password());
             Connection c = cf.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            s.createProducer(s.createQueue("herald.events")).send(s.createTextMessage("{\"specversion\": \"1.0\", \"id\": \"probe-"
                    + System.nanoTime() + "\", \"source\": \"urn:probe\", \"type\": \"probe.sent\", \"data\": {}}"));
            s.commit();
            return true;
        } catch (jakarta.jms.JMSException refused) {
            return false;
        }
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

        ConsumerRecord<String, String> got = paymentRecord("pay-1");
        JsonNode event = Json.tree(got.value());
        assertThat(event.path("id").asText()).isEqualTo("pay-1");
        assertThat(event.path("type").asText()).isEqualTo("payment.failed");
        assertThat(got.key()).isEqualTo("order-9");
        assertThat(new String(got.headers().lastHeader("webhook-id").value(), StandardCharsets.UTF_8)).startsWith("msg_");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(herald.query("select status from deliveries where subscription_id = 'payments-to-kafka'"))
                        .containsExactly(Map.of("status", "succeeded")));
    }

    /**
     * A producer's W3C trace context in a Kafka record header (tracing off: Herald passes it on
     * unchanged) reaches the webhook's traceparent header and a Kafka subscription's record header.
     */
    @Test
    void aRecordsTraceContextReachesTheWebhookAndTheKafkaSubscriptionsRecord() throws Exception {
        String toWebhook = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        String toKafka = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        produce("platform.events", "user-77", "{\"userId\": 77}",
                Map.of("ce_type", "user.signed_up", "ce_id", "kafka-trace-1", "traceparent", toWebhook, "tracestate", "vendor=1"));
        produce("platform.events", "order-77", "{\"amount\": 3}",
                Map.of("ce_type", "payment.refunded", "ce_id", "pay-trace-1", "traceparent", toKafka));

        Receiver.Request r = await().atMost(Duration.ofSeconds(30)).until(
                () -> receiver.requests("/users").stream().filter(x -> x.bodyText().contains("kafka-trace-1")).findFirst().orElse(null),
                x -> x != null);
        assertThat(r.header("traceparent")).isEqualTo(toWebhook);
        assertThat(r.header("tracestate")).isEqualTo("vendor=1");

        ConsumerRecord<String, String> got = paymentRecord("pay-trace-1");
        assertThat(got.headers().lastHeader("traceparent")).as("the record's traceparent header").isNotNull();
        assertThat(new String(got.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8)).isEqualTo(toKafka);
    }

    /** The record the payments-to-kafka subscription wrote for this event, read by a group of its own from the start. */
    private static ConsumerRecord<String, String> paymentRecord(String eventId) throws Exception {
        Properties p = kafka.clientProperties();
        p.put("group.id", "reader-" + eventId);
        p.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("partner.payments"));
            return await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(500))) {
                    if (Json.tree(rec.value()).path("id").asText().equals(eventId)) return rec;
                }
                return null;
            }, x -> x != null);
        }
    }

    /**
     * Herald is killed after polling a record and before handing its batch off (the route is held
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
                .replace("        - bean:\n            ref: kafkaIngress", String.join("\n",
                        "        - log: \"read ${body.size()} records, holding them\"",
                        "        - delay:",
                        "            constant: 60000",
                        "        - bean:",
                        "            ref: kafkaIngress")));
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
            first.awaitLog("holding them", Duration.ofSeconds(30));
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
