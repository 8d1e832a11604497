package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.http.ApiKeys;
import dev.herald.support.Http;
import dev.herald.support.PartnerClient;
import dev.herald.support.Postgres;
import dev.herald.support.Receiver;
import dev.herald.support.StandardWebhooksVerifier;
import dev.herald.support.TestHerald;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two Herald instances sharing a broker and PostgreSQL: a subscription a partner makes (or changes)
 * over one instance's partner API is in force on the other within seconds, and both sign with the
 * secret the partner was shown. An instance given another secrets key refuses to start, saying why.
 */
class PartnerInstancesTest {

    static final String ADMIN_KEY = ApiKeys.newKey();
    static final String SECRETS_KEY = "the instances' shared partner secrets key";

    @Test
    void aSubscriptionMadeOnOneInstanceIsInForceOnTheOtherWithinSeconds() throws Exception {
        String store = Postgres.freshSchemaUrl();
        try (Receiver receiver = new Receiver()) {
            Map<String, String> shared = Map.of("herald.store.url", store, "herald.partners.secrets-key", SECRETS_KEY,
                    "herald.http.admin-keys", "ops:" + ApiKeys.hash(ADMIN_KEY),
                    "herald.partners.ssrf.allow", "127.0.0.1:" + receiver.url("").replaceFirst(".*:", ""));
            try (TestHerald a = TestHerald.start("subscriptions: []\n", shared)) {
                Map<String, String> onA = new HashMap<>(shared);
                onA.putAll(Map.of("herald.broker.url", a.brokerUrl(), "herald.broker.user", a.broker().heraldLogin().user(),
                        "herald.broker.password", a.broker().heraldLogin().password()));
                try (TestHerald b = TestHerald.start("subscriptions: []\n", onA)) {
                    PartnerClient onB = PartnerClient.create(a, ADMIN_KEY, "twin", null).on(b);
                    JsonNode made = onB.subscribe("{\"name\": \"orders\", \"url\": \"" + receiver.url("/first") + "\", \"types\": [\"order.*\"]}");

                    // Accepted on A (dispatched there, inline): A has loaded what was made on B.
                    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> {
                        post(a, "probe-" + System.nanoTime());
                        return !receiver.requests("/first").isEmpty();
                    });
                    Receiver.Request r = receiver.requests("/first").get(0);
                    assertThat(StandardWebhooksVerifier.verify(made.path("secret").asText(), r.header("webhook-id"),
                            r.header("webhook-timestamp"), r.header("webhook-signature"), r.body(), System.currentTimeMillis() / 1000, 300))
                            .isTrue();

                    // Changed over A: B, where the next event is accepted, sends it to the new URL.
                    HttpResponse<String> moved = onB.on(a).patch("/subscriptions/twin.orders", "{\"url\": \"" + receiver.url("/second") + "\"}");
                    assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
                    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).until(() -> {
                        post(b, "moved-" + System.nanoTime());
                        return !receiver.requests("/second").isEmpty();
                    });
                }

                Map<String, String> otherKey = new HashMap<>(shared);
                otherKey.put("herald.partners.secrets-key", "not the key the others have");
                Throwable refused = catchThrowable(() -> TestHerald.start("subscriptions: []\n", otherKey).close());
                assertThat(refused).isNotNull();
                assertThat(causes(refused)).anyMatch(m -> m.contains("give every instance the same herald.partners.secrets-key"));
            }
        }
    }

    static void post(TestHerald herald, String id) throws Exception {
        HttpResponse<String> r = Http.post(herald.http("/events"), "application/cloudevents+json",
                "{\"specversion\": \"1.0\", \"id\": \"" + id + "\", \"source\": \"urn:test\", \"type\": \"order.created\","
                        + " \"partnerid\": \"twin\", \"data\": {\"orderId\": \"" + id + "\"}}", "Authorization", "Bearer " + ADMIN_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    static List<String> causes(Throwable t) {
        List<String> out = new java.util.ArrayList<>();
        for (Throwable c = t; c != null; c = c.getCause()) out.add(String.valueOf(c.getMessage()));
        return out;
    }
}
