package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.HeraldExtension;
import dev.herald.support.Receiver;
import dev.herald.support.StandardWebhooksVerifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The core path with the repository's own sample routes: legacy JMS in, signed webhook out. */
class JmsToWebhookTest {

    @RegisterExtension
    static final HeraldExtension env = new HeraldExtension(receiver -> """
                subscriptions:
                  - id: orders
                    types: ["order.*"]
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                  - id: erp
                    types: ["erp.order.*"]
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                """.formatted(receiver.url("/orders"), receiver.url("/erp")),
            Map.of());

    @Test
    void jsonOnLegacyQueueArrivesAsSignedWebhook() throws Exception {
        env.herald().send("legacy.orders", """
                {"orderId": "A-1001", "status": "created", "total": 1250.0, "customer": {"id": "C-9", "country": "DE"}}""");

        Receiver.Request r = awaitOne("/orders", "A-1001");
        JsonNode event = Json.tree(r.bodyText());
        assertThat(event.path("specversion").asText()).isEqualTo("1.0");
        assertThat(event.path("type").asText()).isEqualTo("order.created");
        assertThat(event.path("source").asText()).isEqualTo("urn:legacy:shop-orders");
        assertThat(event.path("subject").asText()).isEqualTo("A-1001");
        assertThat(event.path("data").path("customer").path("country").asText()).isEqualTo("DE");
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.header("webhook-id")).startsWith("msg_");
        long now = System.currentTimeMillis() / 1000;
        assertThat(StandardWebhooksVerifier.verify(env.herald().secret, r.header("webhook-id"), r.header("webhook-timestamp"),
                r.header("webhook-signature"), r.body(), now, 300)).isTrue();
        // A tampered body must not verify: the check above is not vacuous.
        byte[] tampered = r.bodyText().replace("A-1001", "A-1002").getBytes();
        assertThat(StandardWebhooksVerifier.verify(env.herald().secret, r.header("webhook-id"), r.header("webhook-timestamp"),
                r.header("webhook-signature"), tampered, now, 300)).isFalse();
        // Nothing of the JMS message or Camel leaks to the partner.
        assertThat(r.headers().keySet()).noneMatch(h -> h.startsWith("jms") || h.startsWith("camel") || h.startsWith("ce-")
                || h.startsWith("herald") || h.startsWith("_amq"));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            var rows = env.herald().query("select d.status, d.attempts, a.status_code from deliveries d join attempts a on a.delivery_id = d.id"
                    + " where d.id = ?", r.header("webhook-id"));
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0)).containsEntry("status", "succeeded").containsEntry("attempts", 1).containsEntry("status_code", 200);
        });
    }

    @Test
    void legacyXmlBecomesAnEventWithMappedData() throws Exception {
        env.herald().send("erp.orders", """
                <ErpOrder><OrderNo>4711</OrderNo><Status>RELEASED</Status>
                  <Customer><Id>C-9</Id><Country>DE</Country></Customer>
                  <Total currency="EUR">99.50</Total></ErpOrder>""");

        Receiver.Request r = awaitOne("/erp", "4711");
        JsonNode event = Json.tree(r.bodyText());
        assertThat(event.path("type").asText()).isEqualTo("erp.order.released");
        assertThat(event.path("subject").asText()).isEqualTo("4711");
        assertThat(event.path("data").path("OrderNo").asText()).isEqualTo("4711");
        assertThat(event.path("data").path("Customer").path("Country").asText()).isEqualTo("DE");
        assertThat(event.path("data").path("Total").path("currency").asText()).isEqualTo("EUR");
        assertThat(event.path("data").path("Total").path("value").asText()).isEqualTo("99.50");
        assertThat(event.path("data").path("Total").has("")).as("no key that is an empty string").isFalse();
    }

    @Test
    void malformedJsonAndXmlAreRejectedWithAReasonAndTheNextMessageStillFlows() throws Exception {
        env.herald().send("legacy.orders", "{\"orderId\": \"BAD-1\", \"status\": ");
        env.herald().send("erp.orders", "<ErpOrder><OrderNo>BAD-2</OrderNo>");
        env.herald().send("legacy.orders", "{\"orderId\": \"A-2002\", \"status\": \"cancelled\"}");

        awaitOne("/orders", "A-2002");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Map<String, String>> rejected = env.herald().browse("herald.rejected");
            assertThat(rejected).anySatisfy(m -> {
                assertThat(m.get("body")).contains("BAD-1");
                assertThat(m.get("herald_route")).isEqualTo("ingress-orders-json");
                assertThat(m.get("herald_reason")).contains("line 1").containsIgnoringCase("end-of-input");
            });
            assertThat(rejected).anySatisfy(m -> {
                assertThat(m.get("body")).isEqualTo("<ErpOrder><OrderNo>BAD-2</OrderNo>");
                assertThat(m.get("herald_route")).isEqualTo("ingress-erp-orders");
                assertThat(m.get("herald_reason")).isNotBlank();
            });
        });
        assertThat(env.receiver().requests("/orders")).noneMatch(r -> r.bodyText().contains("BAD-1"));
        assertThat(env.herald().broker().messageCount("herald.poison")).isZero();
    }

    @Test
    void theSameEventSentTwiceIsDeliveredOnce() throws Exception {
        Map<String, String> id = Map.of("eventId", "evt-dedupe-1");
        env.herald().send("legacy.orders", "{\"orderId\": \"A-3003\", \"status\": \"created\"}", id);
        env.herald().send("legacy.orders", "{\"orderId\": \"A-3003\", \"status\": \"created\"}", id);

        awaitOne("/orders", "A-3003");
        // The second copy is parked while the first one's claim is fresh, then dropped as a duplicate:
        // wait until nothing about it is left in flight, then count.
        await().atMost(Duration.ofSeconds(20)).until(() -> env.herald().broker().messageCount("herald.events") == 0
                && env.herald().broker().messageCount("legacy.orders") == 0
                && env.herald().broker().messageCount("herald.deliveries") == 0);
        assertThat(env.receiver().requests("/orders")).filteredOn(r -> r.bodyText().contains("A-3003")).hasSize(1);
        assertThat(Json.tree(awaitOne("/orders", "A-3003").bodyText()).path("id").asText()).isEqualTo("evt-dedupe-1");
    }

    static Receiver.Request awaitOne(String path, String marker) {
        return await().atMost(Duration.ofSeconds(15)).until(
                () -> env.receiver().requests(path).stream().filter(r -> r.bodyText().contains(marker)).findFirst().orElse(null),
                r -> r != null);
    }
}
