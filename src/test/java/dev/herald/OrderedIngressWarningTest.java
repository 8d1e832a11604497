package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.support.LogCapture;
import dev.herald.support.TestHerald;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The start-up log warns about an ordered subscription whose events come from a route with
 * concurrent consumers (the sample routes/ingress-orders-json.yaml reads with 12), naming what the
 * producer must do; an unordered one, and routes that do not start (Kafka, off), are not mentioned.
 */
class OrderedIngressWarningTest {

    @Test
    void anOrderedSubscriptionFedByTheSampleRouteIsWarnedAboutAtStart() throws Exception {
        String subscriptions = TestHerald.webhooks("in-order http://127.0.0.1:9/a", "any-order http://127.0.0.1:9/b")
                .replaceFirst("(  - id: in-order\n)", "$1    ordered: true\n");
        try (LogCapture logs = new LogCapture(); TestHerald herald = TestHerald.start(subscriptions, Map.of())) {
            assertThat(logs.text())
                    .contains("WARN ", "subscription in-order is ordered, but its order.cancelled, order.created, order.updated events"
                            + " can come from route ingress-orders-json (routes/ingress-orders-json.yaml), where 12 consumers read"
                            + " jms:queue:legacy.orders at once",
                            "the producer must set JMSXGroupID to the ordering key")
                    .doesNotContain("subscription any-order is ordered")
                    .doesNotContain("route ingress-kafka");
        }
    }
}
