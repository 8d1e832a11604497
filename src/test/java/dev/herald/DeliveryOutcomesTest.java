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
 * How each receiver answer is handled (DESIGN §3), with fast schedules. Each test has its own
 * subscription, selected by a content filter on {@code data.scenario}.
 */
class DeliveryOutcomesTest {

    @RegisterExtension
    static final HeraldExtension env = new HeraldExtension(DeliveryOutcomesTest::subscriptions, Map.of());

    /** One webhook subscription per scenario, each filtered to its own events. */
    static String subscriptions(Receiver receiver) {
        StringBuilder subs = new StringBuilder("subscriptions:\n");
        for (String[] s : List.of(
                new String[] {"retry", "[0s, 300ms, 300ms]"},
                new String[] {"throttled", "[0s, 100ms, 100ms]"},
                new String[] {"gone", "[0s, 100ms]"},
                new String[] {"redirect", "[0s, 200ms]"},
                new String[] {"exhausted", "[0s, 200ms]"},
                new String[] {"hang", "[0s]"},
                new String[] {"fast", "[0s]"})) {
            String scenario = s[0].equals("hang") || s[0].equals("fast") ? "slow" : s[0];
            subs.append("""
                      - id: %s
                        types: ["order.*"]
                        filter: {data: {scenario: [%s]}}
                        channel: webhook
                        parameters: {url: "%s", secretFile: SECRET_FILE}
                        retry: %s
                    """.formatted(s[0], scenario, receiver.url("/" + s[0]), s[1]));
        }
        return subs.toString();
    }

    @Test
    void failuresAreRetriedOnTheScheduleWithTheSameWebhookId() throws Exception {
        env.receiver().script("/retry", Response.of(500), Response.of(500), Response.of(200));
        send("retry", "R-1");

        await().atMost(Duration.ofSeconds(15)).until(() -> env.receiver().requests("/retry").size() >= 3);
        List<Receiver.Request> calls = env.receiver().requests("/retry");
        assertThat(calls).hasSize(3);
        assertThat(calls.stream().map(r -> r.header("webhook-id")).distinct()).hasSize(1);
        String id = calls.get(0).header("webhook-id");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(env.herald().query("select status_code from attempts where delivery_id = ? order by attempt", id))
                    .extracting(r -> r.get("status_code")).containsExactly(500, 500, 200);
            assertThat(env.herald().query("select status, attempts from deliveries where id = ?", id))
                    .containsExactly(Map.of("status", "succeeded", "attempts", 3));
        });
        var attempts = env.herald().query("select outcome, next_attempt_at, response_excerpt from attempts where delivery_id = ? order by attempt", id);
        assertThat(attempts).extracting(r -> r.get("outcome")).containsExactly("retrying", "retrying", "succeeded");
        assertThat(attempts.get(0).get("next_attempt_at")).isNotNull();
        assertThat(attempts.get(0).get("response_excerpt")).isEqualTo("{\"status\":500}");
    }

    @Test
    void retryAfterOn429IsHonoured() throws Exception {
        env.receiver().script("/throttled", Response.of(429, "Retry-After", "2"), Response.of(200));
        send("throttled", "T-1");

        await().atMost(Duration.ofSeconds(15)).until(() -> env.receiver().requests("/throttled").size() >= 2);
        List<Receiver.Request> calls = env.receiver().requests("/throttled");
        // The schedule alone would retry after 100 ms; the receiver asked for 2 s.
        assertThat(calls.get(1).receivedAt() - calls.get(0).receivedAt()).isGreaterThanOrEqualTo(2000);
    }

    @Test
    void goneDisablesTheSubscriptionAndDeadLettersTheDelivery() throws Exception {
        env.receiver().script("/gone", Response.of(410));
        send("gone", "G-1");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(env.herald().query("select enabled, reason from subscription_state where subscription_id = 'gone'"))
                    .singleElement().satisfies(r -> {
                        assertThat(r.get("enabled")).isEqualTo(false);
                        assertThat((String) r.get("reason")).contains("410");
                    });
            assertThat(env.herald().query("select reason from dead_letters where subscription_id = 'gone'"))
                    .singleElement().satisfies(r -> assertThat((String) r.get("reason")).contains("410"));
        });
        assertThat(env.herald().browse("herald.dead")).anySatisfy(m -> assertThat(m.get("body")).contains("G-1").contains("410"));

        // A disabled subscription gets nothing more.
        send("gone", "G-2");
        send("retry", "G-2-control");
        await().atMost(Duration.ofSeconds(10)).until(() -> env.receiver().requests("/retry").stream().anyMatch(r -> r.bodyText().contains("G-2-control")));
        await().atMost(Duration.ofSeconds(10)).until(() -> env.herald().broker().messageCount("herald.events") == 0);
        assertThat(env.receiver().requests("/gone")).hasSize(1);
    }

    @Test
    void redirectsAreFailuresAndAreNotFollowed() throws Exception {
        env.receiver().script("/redirect", Response.of(302, "Location", env.receiver().url("/elsewhere")), Response.of(200));
        send("redirect", "X-1");

        await().atMost(Duration.ofSeconds(10)).until(() -> env.receiver().requests("/redirect").size() >= 2);
        String id = env.receiver().requests("/redirect").get(0).header("webhook-id");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(env.herald().query("select status_code, outcome, error from attempts where delivery_id = ? order by attempt", id))
                        .satisfiesExactly(
                                a -> assertThat(a).containsEntry("status_code", 302).containsEntry("outcome", "retrying"),
                                a -> assertThat(a).containsEntry("status_code", 200).containsEntry("outcome", "succeeded")));
        assertThat(env.receiver().requests("/elsewhere")).isEmpty();
    }

    @Test
    void anExhaustedScheduleEndsInTheDeadLetterQueueWithItsReason() throws Exception {
        env.receiver().script("/exhausted", Response.of(500), Response.of(503), Response.of(500));
        send("exhausted", "E-1");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Map<String, String>> dead = env.herald().browse("herald.dead");
            assertThat(dead).anySatisfy(m -> {
                JsonNode d = Json.tree(m.get("body"));
                assertThat(d.path("subscriptionId").asText()).isEqualTo("exhausted");
                assertThat(d.path("reason").asText()).contains("gave up after 2 attempt(s)").contains("HTTP 503");
                assertThat(d.path("delivery").path("event").path("data").path("orderId").asText()).isEqualTo("E-1");
            });
        });
        assertThat(env.receiver().requests("/exhausted")).hasSize(2);
        String id = env.receiver().requests("/exhausted").get(0).header("webhook-id");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(env.herald().query("select status, attempts from deliveries where id = ?", id))
                    .containsExactly(Map.of("status", "dead", "attempts", 2));
            assertThat(env.herald().query("select reason from dead_letters where delivery_id = ?", id))
                    .singleElement().satisfies(r -> assertThat((String) r.get("reason")).contains("gave up after 2"));
        });
    }

    @Test
    void aHangingReceiverDoesNotDelayAnotherSubscription() throws Exception {
        env.receiver().script("/hang", Response.hang(6000));
        send("slow", "S-1");

        await().atMost(Duration.ofSeconds(10)).until(() -> !env.receiver().requests("/fast").isEmpty());
        long hangStarted = env.receiver().requests("/hang").get(0).receivedAt();
        long fastArrived = env.receiver().requests("/fast").get(0).receivedAt();
        // The fast receiver was served while the hanging one still held its request (it holds it 6 s).
        assertThat(fastArrived).isLessThan(hangStarted + 6000);
        // And the hanging attempt is recorded as a timeout once Herald gives up on it (3 s in tests).
        String id = env.receiver().requests("/hang").get(0).header("webhook-id");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(env.herald().query("select error from attempts where delivery_id = ?", id))
                        .singleElement().satisfies(r -> assertThat((String) r.get("error")).contains("timed out")));
    }

    private static void send(String scenario, String orderId) throws Exception {
        env.herald().send("legacy.orders", Json.string(Map.of("orderId", orderId, "status", "created", "scenario", scenario)));
    }

}
