package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.HeraldExtension;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-key ordering: customer A's first order fails twice at both receivers. The ordered
 * subscription holds A's later orders until it succeeds, then delivers them in order, while
 * customer B's orders go through at once; the unordered subscription does not wait at all.
 */
class OrderingTest {

    @RegisterExtension
    static final HeraldExtension env = new HeraldExtension(receiver -> """
                subscriptions:
                  - id: ordered
                    types: ["order.*"]
                    ordered: true
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                    retry: [0s, 1s, 1s, 1s]
                  - id: unordered
                    types: ["order.*"]
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                    retry: [0s, 1s, 1s, 1s]
                """.formatted(receiver.url("/ordered"), receiver.url("/unordered")),
            Map.of());

    @Test
    void aFailingDeliveryHoldsBackOnlyLaterDeliveriesOfItsKey() throws Exception {
        env.receiver().script("/ordered", "\"A-1\"", Response.of(500), Response.of(500));
        env.receiver().script("/unordered", "\"A-1\"", Response.of(500), Response.of(500));
        for (String[] o : new String[][] {{"A-1", "A"}, {"A-2", "A"}, {"A-3", "A"}, {"B-1", "B"}, {"B-2", "B"}}) {
            // JMSXGroupID keeps one customer's messages in order through the ingress route's consumers.
            env.herald().send("legacy.orders", Json.string(Map.of("orderId", o[0], "status", "created", "customer", Map.of("id", o[1]))),
                    Map.of("JMSXGroupID", o[1]));
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> env.receiver().requests("/ordered").size() >= 7
                && env.receiver().requests("/unordered").size() >= 7);
        List<Receiver.Request> ordered = env.receiver().requests("/ordered");
        assertThat(ordered).extracting(OrderingTest::orderId).filteredOn(id -> id.startsWith("A"))
                .containsExactly("A-1", "A-1", "A-1", "A-2", "A-3");
        assertThat(ordered).extracting(r -> r.header("content-type")).doesNotContainNull();
        long aFirstFailure = at(ordered, "A-1", 0);
        long aSuccess = at(ordered, "A-1", 2);
        assertThat(at(ordered, "A-2", 0)).as("A-2 after A-1 succeeded").isGreaterThanOrEqualTo(aSuccess);
        assertThat(at(ordered, "A-3", 0)).as("A-3 after A-2").isGreaterThanOrEqualTo(at(ordered, "A-2", 0));
        // B's orders went through while A-1 waited for its first retry (1 s later).
        assertThat(at(ordered, "B-1", 0)).isLessThan(at(ordered, "A-1", 1));
        assertThat(at(ordered, "B-2", 0)).isLessThan(at(ordered, "A-1", 1)).isGreaterThanOrEqualTo(at(ordered, "B-1", 0));
        assertThat(aFirstFailure).isLessThan(aSuccess);

        // The unordered subscription, same failures: A's later orders did not wait for A-1.
        List<Receiver.Request> unordered = env.receiver().requests("/unordered");
        assertThat(at(unordered, "A-2", 0)).isLessThan(at(unordered, "A-1", 1));
        assertThat(at(unordered, "A-3", 0)).isLessThan(at(unordered, "A-1", 1));

        // Every lane is empty once everything is delivered.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(env.herald().query("select delivery_id from lane_deliveries")).isEmpty();
            assertThat(env.herald().query("select ordering_key from ordering_lanes")).isEmpty();
        });
        // And nothing more arrives: every delivery went once.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> env.receiver().requests("/ordered").size() == 7);
    }

    private static String orderId(Receiver.Request r) {
        JsonNode event = Json.tree(r.bodyText());
        return event.path("data").path("orderId").asText();
    }

    /** When the {@code nth} request (from 0) for this order arrived. */
    private static long at(List<Receiver.Request> requests, String orderId, int nth) {
        return requests.stream().filter(r -> orderId.equals(orderId(r))).skip(nth).findFirst().orElseThrow().receivedAt();
    }
}
