package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import dev.herald.support.TestHerald;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/** Retries belong to the broker, not to Herald's memory; hand-offs are transactions. */
class DurableRetryTest {

    @Test
    void aPendingRetrySurvivesARestartAndFiresAtItsTime() throws Exception {
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start(TestHerald.webhooks("later " + receiver.url("/later") + " [0s, 8s]"), Map.of())) {
            receiver.script("/later", Response.of(500));
            herald.send("legacy.orders", "{\"orderId\": \"L-1\", \"status\": \"created\"}");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests("/later").size() == 1);
            long first = receiver.requests("/later").get(0).receivedAt();
            // The retry is now a scheduled message in the broker's journal.
            await().atMost(Duration.ofSeconds(5)).until(() -> herald.broker().messageCount("herald.deliveries") == 1);

            herald.stopHerald();
            await("nothing is sent while Herald is down").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                    .until(() -> receiver.requests("/later").size() == 1);
            herald.restart();

            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests("/later").size() == 2);
            List<Receiver.Request> calls = receiver.requests("/later");
            assertThat(calls.get(1).receivedAt() - first).as("not earlier than scheduled").isGreaterThanOrEqualTo(8000);
            assertThat(calls.get(1).header("webhook-id")).isEqualTo(calls.get(0).header("webhook-id"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(herald.query("select status, attempts from deliveries where id = ?", calls.get(0).header("webhook-id")))
                            .containsExactly(Map.of("status", "succeeded", "attempts", 2)));
        }
    }

    /**
     * The mechanism every hand-off relies on: a route's sends join the consuming JMS transaction,
     * so a failure after a send takes the send back with the acknowledgement.
     */
    @Test
    void sendsInARouteCommitOrRollBackWithTheConsumedMessage() throws Exception {
        // The test's own input queue is one producers may send to.
        try (TestHerald herald = TestHerald.start("subscriptions: []\n", Map.of("herald.broker.ingress-addresses", "legacy.#,test.#"))) {
            AtomicInteger doomedTries = new AtomicInteger();
            herald.herald().context().addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("jms:queue:test.tx.in").routeId("test-tx")
                            .to("jms:queue:test.tx.out")
                            .filter(header("fail").isEqualTo("yes"))
                            .process(e -> doomedTries.incrementAndGet())
                            .throwException(new IllegalStateException("fails after the send"));
                }
            });
            herald.send("test.tx.in", "ok", Map.of("fail", "no"));
            herald.send("test.tx.in", "doomed", Map.of("fail", "yes"));

            // The failing message is redelivered (rolled back), again and again...
            await().atMost(Duration.ofSeconds(15)).until(() -> doomedTries.get() >= 2);
            // ...and its send never became visible, while the good one's did.
            assertThat(herald.browse("test.tx.out")).extracting(m -> m.get("body")).containsExactly("ok");
        }
    }
}
