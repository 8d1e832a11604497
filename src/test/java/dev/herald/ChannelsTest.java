package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.HeraldExtension;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The endpoint channel, payload shaping with JSLT, and Herald's operational events. */
class ChannelsTest {

    static final Path outDir = tempDir();

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("herald-out");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @RegisterExtension
    static final HeraldExtension env = new HeraldExtension(receiver -> """
                subscriptions:
                  - id: to-queue
                    types: ["order.*"]
                    filter: {data: {scenario: [queue]}}
                    channel: endpoint
                    parameters: {uri: "jms:queue:partner.out"}
                    transform: '{"order": .data.orderId, "kind": .type, "total": .data.total * 100}'
                  - id: to-files
                    types: ["order.*"]
                    filter: {data: {scenario: [file]}}
                    channel: endpoint
                    parameters: {uri: "file:%s"}
                  - id: shaping-fails
                    types: ["order.*"]
                    filter: {data: {scenario: [broken]}}
                    channel: endpoint
                    parameters: {uri: "jms:queue:never"}
                    transform: 'if (.data.orderId == "BAD") error("cannot shape order " + .data.orderId) else .'
                  - id: goes-away
                    types: ["order.*"]
                    filter: {data: {scenario: [gone]}}
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                  - id: ops
                    types: ["herald.*"]
                    channel: endpoint
                    parameters: {uri: "jms:queue:ops.alerts"}
                """.formatted(outDir, receiver.url("/gone")),
            Map.of());

    @Test
    void anEndpointGetsTheEventShapedByItsTransform() throws Exception {
        send("queue", "Q-1", 12.5);
        await().atMost(Duration.ofSeconds(15)).until(() -> !env.herald().browse("partner.out").isEmpty());
        JsonNode shaped = Json.tree(env.herald().browse("partner.out").get(0).get("body"));
        assertThat(shaped).isEqualTo(Json.tree("{\"order\": \"Q-1\", \"kind\": \"order.created\", \"total\": 1250.0}"));
    }

    @Test
    void anEndpointCanBeADirectory() throws Exception {
        send("file", "F-1", 3);
        Path file = await().atMost(Duration.ofSeconds(15)).until(() -> {
            try (var files = Files.list(outDir)) {
                return files.filter(f -> f.toString().endsWith(".json")).findFirst().orElse(null);
            }
        }, f -> f != null);
        assertThat(file.getFileName().toString()).startsWith("msg_");
        assertThat(Json.tree(Files.readString(file)).path("data").path("orderId").asText()).isEqualTo("F-1");
    }

    @Test
    void aTransformThatFailsOnAnEventIsAPermanentFailureWithItsReason() throws Exception {
        send("broken", "BAD", 1);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(env.herald().query("select a.outcome, a.error, d.status from attempts a join deliveries d on d.id = a.delivery_id"
                        + " where d.subscription_id = 'shaping-fails'")).singleElement().satisfies(r -> {
                    assertThat(r.get("outcome")).isEqualTo("dead");
                    assertThat((String) r.get("error")).contains("transform failed").contains("cannot shape order BAD");
                }));
        assertThat(env.herald().browse("never")).isEmpty();
    }

    @Test
    void disablingASubscriptionAndADeadDeliveryAreEventsAnOperatorCanSubscribeTo() throws Exception {
        env.receiver().script("/gone", Response.of(410));
        send("gone", "G-1", 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> env.herald().browse("ops.alerts").stream()
                .filter(m -> m.get("body").contains("goes-away")).count() >= 2);
        List<JsonNode> alerts = env.herald().browse("ops.alerts").stream().map(m -> Json.tree(m.get("body"))).toList();
        assertThat(alerts).anySatisfy(e -> {
            assertThat(e.path("type").asText()).isEqualTo("herald.subscription.disabled");
            assertThat(e.path("data").path("subscriptionId").asText()).isEqualTo("goes-away");
            assertThat(e.path("data").path("reason").asText()).contains("410");
        });
        assertThat(alerts).anySatisfy(e -> {
            assertThat(e.path("type").asText()).isEqualTo("herald.delivery.dead");
            assertThat(e.path("data").path("subscriptionId").asText()).isEqualTo("goes-away");
            assertThat(e.path("data").path("eventType").asText()).isEqualTo("order.created");
            assertThat(e.path("source").asText()).isEqualTo("urn:herald");
        });
    }

    private static void send(String scenario, String orderId, double total) throws Exception {
        env.herald().send("legacy.orders", Json.string(Map.of("orderId", orderId, "status", "created", "scenario", scenario, "total", total)));
    }
}
