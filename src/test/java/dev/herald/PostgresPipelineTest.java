package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.support.Postgres;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import dev.herald.support.TestHerald;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole pipeline with PostgreSQL as the store, as in production. */
class PostgresPipelineTest {

    @Test
    void deliveriesAndAttemptsAreRecordedInPostgres() throws Exception {
        String url = Postgres.freshSchemaUrl();
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start(TestHerald.webhooks("pg " + receiver.url("/pg") + " [0s, 200ms]"), Map.of("herald.store.url", url))) {
            receiver.script("/pg", Response.of(503));
            herald.send("legacy.orders", "{\"orderId\": \"P-1\", \"status\": \"created\"}", Map.of("eventId", "pg-evt-1"));

            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/pg").size() == 2);
            String id = receiver.requests("/pg").get(0).header("webhook-id");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(herald.query("select status, attempts from deliveries where id = ?", id))
                        .containsExactly(Map.of("status", "succeeded", "attempts", 2));
                assertThat(herald.query("select status_code from attempts where delivery_id = ? order by attempt", id))
                        .extracting(r -> r.get("status_code")).containsExactly(503, 200);
                assertThat(herald.query("select type, subject from events where id = 'pg-evt-1'"))
                        .containsExactly(Map.of("type", "order.created", "subject", "P-1"));
                // Dispatch de-duplicates by reading events, and writes nothing of its own per event.
                assertThat(herald.query("select id from event_claims")).isEmpty();
            });
        }
    }
}
