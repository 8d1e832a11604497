package dev.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.Http;
import dev.herald.support.Receiver;
import dev.herald.support.TestHerald;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Rejected input through the admin API: listed and shown from herald.rejected (nothing taken off),
 * and re-driven to its source once what refused it is fixed - a JMS route edited while Herald runs,
 * a catalog changed for POST /events - with the producer's body and properties.
 */
class RejectedApiTest {

    static final String KEY = ApiKeys.newKey();

    /** A route that knows only created orders; the fix knows shipped ones too and keeps the producer's ordering key. */
    static final String ROUTE = """
            - route:
                id: ingress-shipments
                routeConfigurationId: herald-ingress
                from:
                  uri: jms:queue:legacy.shipments
                  steps:
                    - unmarshal:
                        json:
                          library: Jackson
                    - setHeader:
                        name: ce-source
                        constant: urn:test:shipments
                    - setHeader:
                        name: ce-id
                        simple: "${header.eventId}"
                    - setHeader:
                        name: ce-orderingkey
                        simple: "${header.JMSXGroupID}"
                    - choice:
                        when:
                          - simple: "${body[status]} == 'created'"
                            steps:
                              - setHeader:
                                  name: ce-type
                                  constant: order.created
                        otherwise:
                          steps:
                            - FIX
                    - to: direct:herald-accept
            """;
    static final String BROKEN = """
            throwException:
                                exceptionType: dev.herald.event.RejectedEventException
                                message: "unknown status; the route knows only created orders\"""";
    static final String FIXED = """
            setHeader:
                                name: ce-type
                                constant: order.updated""";

    /** The integrator fixes the route; Herald reloads it (a new route, started). */
    static void fixRoute(TestHerald herald, Path route) throws Exception {
        var camel = herald.herald().context();
        var broken = camel.getRoute("ingress-shipments");
        Files.writeString(route, ROUTE.replace("FIX", FIXED));
        await().atMost(Duration.ofSeconds(30)).until(() -> camel.getRoute("ingress-shipments") != null
                && camel.getRoute("ingress-shipments") != broken
                && camel.getRouteController().getRouteStatus("ingress-shipments").isStarted());
    }

    static HttpResponse<String> post(TestHerald herald, String path, String body) throws Exception {
        return Http.post(herald.http(path), "application/json", body, "Authorization", "Bearer " + KEY);
    }

    static HttpResponse<String> get(TestHerald herald, String path) throws Exception {
        return Http.get(herald.http(path), "Authorization", "Bearer " + KEY);
    }

    static JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
        return Json.tree(r.body());
    }

    static List<JsonNode> listed(TestHerald herald, String query) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        ok(get(herald, "/api/rejected?limit=500" + query)).path("items").forEach(out::add);
        return out;
    }

    static JsonNode event(Receiver receiver, String id) {
        return receiver.requests("/r").stream().map(r -> Json.tree(r.bodyText())).filter(e -> e.path("id").asText().equals(id))
                .findFirst().orElse(null);
    }

    @Test
    void jmsInputIsListedShownAndReDrivenThroughItsFixedRoute() throws Exception {
        Path routes = Files.createTempDirectory("herald-routes");
        Path route = routes.resolve("ingress-shipments.yaml");
        Files.writeString(route, ROUTE.replace("FIX", BROKEN));
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start(TestHerald.webhooks("r " + receiver.url("/r")), Map.of(
                     "herald.http.admin-keys", "ops:" + ApiKeys.hash(KEY),
                     "camel.main.routes-include-pattern", "classpath:herald/core/*.camel.yaml,file:" + routes + "/*.yaml",
                     "camel.main.routes-reload-directory", routes.toString()))) {
            Instant before = Instant.now();
            String s1 = "{\"orderId\": \"S-1\", \"status\": \"shipped\"}";
            herald.send("legacy.shipments", s1, Map.of("eventId", "ev-S-1", "JMSXGroupID", "customer-7"));
            await().atMost(Duration.ofSeconds(10)).until(() -> listed(herald, "").size() == 1);
            Thread.sleep(20); // time itself: S-2 must be rejected strictly after this cut
            Instant afterFirst = Instant.now();
            herald.send("legacy.shipments", "{\"orderId\": \"S-2\", \"status\": \"shipped\"}", Map.of("eventId", "ev-S-2"));
            byte[] notText = {(byte) 0xff, (byte) 0xfe, 'x'};
            herald.sendBytes("legacy.shipments", notText, Map.of("eventId", "ev-B-1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> listed(herald, "").size() == 3);

            // Listed oldest first, with where each came from and why it was refused.
            List<JsonNode> all = listed(herald, "");
            JsonNode first = all.get(0);
            assertThat(first.path("route").asText()).isEqualTo("ingress-shipments");
            assertThat(first.path("source").asText()).isEqualTo("jms:legacy.shipments");
            assertThat(first.path("reason").asText()).isEqualTo("unknown status; the route knows only created orders");
            assertThat(first.path("sizeBytes").asLong()).isEqualTo(s1.getBytes(StandardCharsets.UTF_8).length);
            assertThat(Instant.parse(first.path("rejectedAt").asText())).isBetween(before, afterFirst);
            assertThat(all.get(2).path("reason").asText()).contains("UTF-8");
            String id1 = first.path("id").asText();
            assertThat(id1).matches("[A-Za-z0-9_-]+");

            // Pages and filters.
            JsonNode page1 = ok(get(herald, "/api/rejected?limit=2"));
            assertThat(page1.path("items")).extracting(i -> i.path("id").asText()).containsExactly(id1, all.get(1).path("id").asText());
            assertThat(page1.path("nextOffset").asInt()).isEqualTo(2);
            JsonNode page2 = ok(get(herald, "/api/rejected?limit=2&offset=2"));
            assertThat(page2.path("items")).hasSize(1);
            assertThat(page2.path("nextOffset").isNull()).isTrue();
            assertThat(listed(herald, "&from=" + afterFirst)).hasSize(2);
            assertThat(listed(herald, "&to=" + afterFirst)).extracting(i -> i.path("id").asText()).containsExactly(id1);
            assertThat(listed(herald, "&route=http-ingest")).isEmpty();
            assertThat(get(herald, "/api/rejected?from=soon").statusCode()).isEqualTo(400);

            // One message whole: the producer's body and properties.
            JsonNode shown = ok(get(herald, "/api/rejected/" + id1));
            assertThat(shown.path("body").asText()).isEqualTo(s1);
            assertThat(shown.path("bodyType").asText()).isEqualTo("text");
            assertThat(shown.path("properties").path("eventId").asText()).isEqualTo("ev-S-1");
            assertThat(shown.path("properties").path("JMSXGroupID").asText()).isEqualTo("customer-7");
            assertThat(shown.path("properties").path("herald_reason").asText()).isEqualTo(first.path("reason").asText());
            JsonNode bytes = ok(get(herald, "/api/rejected/" + all.get(2).path("id").asText()));
            assertThat(bytes.path("bodyType").asText()).isEqualTo("bytes");
            assertThat(bytes.path("bodyEncoding").asText()).isEqualTo("base64");
            assertThat(Base64.getDecoder().decode(bytes.path("body").asText())).isEqualTo(notText);
            assertThat(get(herald, "/api/rejected/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
            assertThat(get(herald, "/api/rejected/not!an!id").statusCode()).isEqualTo(400);
            assertThat(listed(herald, "")).as("reading took nothing off").hasSize(3);

            fixRoute(herald, route);

            JsonNode redriven = ok(post(herald, "/api/rejected/" + id1 + "/redrive", ""));
            assertThat(redriven.path("id").asText()).isEqualTo(id1);
            assertThat(redriven.path("to").asText()).isEqualTo("legacy.shipments");
            await().atMost(Duration.ofSeconds(10)).until(() -> event(receiver, "ev-S-1") != null);
            JsonNode e1 = event(receiver, "ev-S-1");
            assertThat(e1.path("type").asText()).isEqualTo("order.updated");
            assertThat(e1.path("data").path("orderId").asText()).isEqualTo("S-1");
            assertThat(e1.path("orderingkey").asText()).as("JMSXGroupID went back with it").isEqualTo("customer-7");
            assertThat(get(herald, "/api/rejected/" + id1).statusCode()).isEqualTo(404);
            assertThat(post(herald, "/api/rejected/" + id1 + "/redrive", "").statusCode()).isEqualTo(404);

            // One an older Herald kept, without id and source: named by its JMS message id, its source the route's queue.
            herald.sendAsHerald("herald.rejected", "{\"orderId\": \"S-3\", \"status\": \"shipped\"}", Map.of("eventId", "ev-S-3",
                    "herald_route", "ingress-shipments", "herald_reason", "unknown status"));
            await().atMost(Duration.ofSeconds(10)).until(() -> listed(herald, "").size() == 3);
            JsonNode old = listed(herald, "").get(2);
            assertThat(old.path("id").asText()).startsWith("jms-");
            assertThat(old.path("source").asText()).isEqualTo("jms:legacy.shipments");
            assertThat(ok(get(herald, "/api/rejected/" + old.path("id").asText())).path("properties").path("eventId").asText()).isEqualTo("ev-S-3");

            // The rest in bulk: a dry run changes nothing; then S-2 and S-3 are delivered and the bytes are refused again.
            assertThat(post(herald, "/api/rejected/redrive", "{}").statusCode()).as("no filter at all").isEqualTo(400);
            JsonNode dry = ok(post(herald, "/api/rejected/redrive", "{\"route\": \"ingress-shipments\", \"dryRun\": true}"));
            assertThat(dry.path("redriven").asInt()).isZero();
            assertThat(dry.path("items")).hasSize(3);
            assertThat(listed(herald, "")).hasSize(3);
            String bytesId = all.get(2).path("id").asText();
            JsonNode bulk = ok(post(herald, "/api/rejected/redrive", "{\"route\": \"ingress-shipments\"}"));
            assertThat(bulk.path("redriven").asInt()).isEqualTo(3);
            assertThat(bulk.path("items")).extracting(i -> i.path("to").asText()).containsOnly("legacy.shipments");
            await().atMost(Duration.ofSeconds(10)).until(() -> event(receiver, "ev-S-2") != null && event(receiver, "ev-S-3") != null);
            // Refused again by the route: kept again, under a new id, the same bytes.
            await().atMost(Duration.ofSeconds(10)).until(() -> listed(herald, "").size() == 1);
            JsonNode again = listed(herald, "").get(0);
            assertThat(again.path("id").asText()).isNotEqualTo(bytesId);
            assertThat(Base64.getDecoder().decode(ok(get(herald, "/api/rejected/" + again.path("id").asText())).path("body").asText()))
                    .isEqualTo(notText);
            assertThat(herald.broker().messageCount("herald.rejected")).isEqualTo(1);
        }
    }

    @Test
    void httpAndKafkaInputGoBackThroughAcceptWithTheirAttributes() throws Exception {
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start(TestHerald.webhooks("r " + receiver.url("/r")),
                     Map.of("herald.http.admin-keys", "ops:" + ApiKeys.hash(KEY)))) {
            // The catalog wants orderId as a string: binary mode with a number is refused, and kept.
            HttpResponse<String> refused = Http.post(herald.http("/events"), "application/json", "{\"orderId\": 42}",
                    "Authorization", "Bearer " + KEY, "ce-type", "order.created", "ce-id", "H-1", "ce-subject", "42");
            assertThat(refused.statusCode()).isEqualTo(400);
            // Kept by a Herald before herald_rejected_id and herald_source: found by its route and Kafka topic.
            herald.sendAsHerald("herald.rejected", "{\"orderId\": \"K-1\"}", Map.of("herald_route", "ingress-kafka",
                    "herald_reason", "the message is too large", "kafka_DOT_TOPIC", "platform.events", "kafka_DOT_PARTITION", "0",
                    "kafka_DOT_OFFSET", "5", "kafka_DOT_KEY", "customer-9", "ce_type", "order.created"));
            await().atMost(Duration.ofSeconds(10)).until(() -> listed(herald, "").size() == 2);
            JsonNode http = listed(herald, "&route=http-ingest").get(0);
            assertThat(http.path("source").asText()).isEqualTo("http:POST /events");
            JsonNode kafka = listed(herald, "&route=ingress-kafka").get(0);
            assertThat(kafka.path("source").asText()).isEqualTo("kafka:platform.events");
            assertThat(kafka.path("id").asText()).startsWith("jms-");
            assertThat(ok(get(herald, "/api/rejected/" + http.path("id").asText())).path("properties").path("ce_id").asText()).isEqualTo("H-1");

            // Accept still refuses it: 422 with the reason, and it stays.
            HttpResponse<String> still = post(herald, "/api/rejected/" + http.path("id").asText() + "/redrive", "");
            assertThat(still.statusCode()).isEqualTo(422);
            assertThat(Json.tree(still.body()).path("detail").asText()).contains("data.orderId");
            assertThat(listed(herald, "")).hasSize(2);

            // A catalog that takes it (none at all), after a restart: both go through accept.
            herald.restart(Map.of("herald.catalog.file", herald.dir.resolve("no-catalog.yaml").toString()));
            JsonNode one = ok(post(herald, "/api/rejected/" + http.path("id").asText() + "/redrive", ""));
            assertThat(one.path("to").asText()).isEqualTo("herald.events");
            JsonNode bulk = ok(post(herald, "/api/rejected/redrive", "{\"route\": \"ingress-kafka\"}"));
            assertThat(bulk.path("redriven").asInt()).isEqualTo(1);
            assertThat(bulk.path("items").get(0).path("id").asText()).isEqualTo(kafka.path("id").asText());

            await().atMost(Duration.ofSeconds(10)).until(() -> event(receiver, "H-1") != null);
            JsonNode h1 = event(receiver, "H-1");
            assertThat(h1.path("source").asText()).isEqualTo("herald:http:ops");
            assertThat(h1.path("subject").asText()).isEqualTo("42");
            assertThat(h1.path("data").path("orderId").asInt()).isEqualTo(42);
            // The id Kafka's ingress derives from the record's position: the same event it would have been.
            String kafkaId = UUID.nameUUIDFromBytes("herald:kafka:platform.events|platform.events/0/5".getBytes(StandardCharsets.UTF_8)).toString();
            await().atMost(Duration.ofSeconds(10)).until(() -> event(receiver, kafkaId) != null);
            assertThat(event(receiver, kafkaId).path("orderingkey").asText()).isEqualTo("customer-9");
            assertThat(listed(herald, "")).isEmpty();
        }
    }
}
