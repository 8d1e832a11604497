package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.Http;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import dev.herald.support.TestHerald;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Circuit breaking, auto-disable and rate limits, with compressed windows. */
class ProtectionTest {

    static void send(TestHerald herald, String to, String orderId) throws Exception {
        herald.send("legacy.orders", Json.string(Map.of("orderId", orderId, "status", "created", "to", to)));
    }

    static String sub(String id, String to, String url, String extra) {
        return """
                  - id: %s
                    types: ["order.*"]
                    filter: {data: {to: [%s]}}
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                %s""".formatted(id, to, url, extra.isEmpty() ? "" : "    " + extra + "\n");
    }

    @Test
    void theCircuitOpensProbesAndClosesWithoutSpendingTheSchedule() throws Exception {
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start("subscriptions:\n"
                     + sub("flaky", "flaky", receiver.url("/flaky"), "retry: [0s, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms]"),
                     Map.of("herald.circuit.failures", "3", "herald.circuit.probe-interval", "1s", "herald.circuit.disable-after", "1h"))) {
            receiver.script("/flaky", Response.of(500), Response.of(500), Response.of(500), Response.of(500), Response.of(500),
                    Response.of(500), Response.of(500), Response.of(500), Response.of(500), Response.of(500));
            for (int i = 1; i <= 4; i++) send(herald, "flaky", "C-" + i);

            // 3 failures open the circuit (attempts already under way when it opens still go); from then
            // on, about one probe a second, not 4 deliveries x 10 ms retries.
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests("/flaky").size() >= 3
                    && !herald.query("select open_until from subscription_health where subscription_id = 'flaky' and open_until is not null").isEmpty());
            int atOpen = receiver.requests("/flaky").size();
            assertThat(atOpen).as("attempts until the circuit opened: 3, and those already under way").isBetween(3, 8);
            await("while open, about one probe a second").during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(3))
                    .until(() -> receiver.requests("/flaky").size() - atOpen <= 4);
            List<Map<String, Object>> open = herald.query("select consecutive_failures, open_until from subscription_health where subscription_id = 'flaky'");
            assertThat(open).singleElement().satisfies(r -> assertThat(r.get("open_until")).isNotNull());

            // The receiver recovers once its ten 500s are used up (by probes): the next probe succeeds,
            // the circuit closes, and the 4 deliveries arrive - none dead, though each waited far past
            // its 100 ms schedule.
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(herald.query("select count(*) as n from deliveries where status = 'succeeded'").get(0).get("n")).isEqualTo(4L);
                assertThat(herald.query("select * from subscription_health")).isEmpty();
            });
            assertThat(herald.query("select count(*) as n from dead_letters").get(0).get("n")).isEqualTo(0L);
        }
    }

    static JsonNode api(TestHerald herald, String path) throws Exception {
        var r = Http.get(herald.http(path));
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return Json.tree(r.body());
    }

    /** Deliveries that wait on an open circuit or a rate limit are shown deferred, with why and until when. */
    @Test
    void anOpenCircuitAndTheDeliveriesWaitingOnItAreShownAsSuch() throws Exception {
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start("subscriptions:\n"
                     + sub("down", "down", receiver.url("/down"), "retry: [0s, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms, 100ms]")
                     + sub("limited", "limited", receiver.url("/limited"), "rateLimit: 1/s"),
                     Map.of("herald.circuit.failures", "3", "herald.circuit.probe-interval", "3s", "herald.circuit.disable-after", "1h"))) {
            for (int i = 0; i < 6; i++) receiver.script("/down", Response.of(503));
            long start = System.currentTimeMillis();
            for (int i = 1; i <= 6; i++) send(herald, "down", "O-" + i);

            // The circuit opens: the API says so, and every delivery waits on it - deferred, not retrying.
            JsonNode down = await().atMost(Duration.ofSeconds(10)).until(() -> api(herald, "/api/subscriptions/down"),
                    s -> s.path("deferred").asInt() == 6);
            assertThat(down.path("queued").asInt()).isZero();
            assertThat(down.path("state").asText()).isEqualTo("enabled");
            JsonNode circuit = down.path("circuit");
            assertThat(circuit.path("state").asText()).isEqualTo("open");
            assertThat(circuit.path("failures").asInt()).isGreaterThanOrEqualTo(3);
            Instant openSince = Instant.parse(circuit.path("openSince").asText());
            assertThat(openSince.toEpochMilli()).isBetween(start, System.currentTimeMillis());
            assertThat(Instant.parse(circuit.path("nextProbeAt").asText())).isAfter(openSince);
            for (Map<String, Object> row : herald.query("select id from deliveries where subscription_id = 'down'")) {
                JsonNode d = api(herald, "/api/deliveries/" + row.get("id"));
                assertThat(d.path("status").asText()).isEqualTo("deferred");
                assertThat(d.path("deferredReason").asText()).isEqualTo("circuit");
                // Waiting for the probe, not for a retry time long gone.
                assertThat(Instant.parse(d.path("nextAttemptAt").asText())).isAfterOrEqualTo(openSince.plusMillis(2900));
            }

            // A rate limit defers too, each delivery to its own slot ahead.
            for (int i = 1; i <= 4; i++) send(herald, "limited", "L-" + i);
            await().atMost(Duration.ofSeconds(5)).until(() -> api(herald, "/api/subscriptions/limited").path("deferred").asInt() >= 2);
            // The last slot is seconds ahead: still waiting while we look.
            Object last = herald.query("select id from deliveries where subscription_id = 'limited' and status = 'deferred'"
                    + " order by next_attempt_at desc").get(0).get("id");
            JsonNode limited = api(herald, "/api/deliveries/" + last);
            assertThat(limited.path("status").asText()).isEqualTo("deferred");
            assertThat(limited.path("deferredReason").asText()).isEqualTo("rate");
            assertThat(Instant.parse(limited.path("nextAttemptAt").asText())).isAfter(Instant.now());

            // The receiver recovers: a probe succeeds, the circuit closes, nothing waits any more.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode s = api(herald, "/api/subscriptions/down");
                assertThat(s.path("circuit").path("state").asText()).isEqualTo("closed");
                assertThat(s.path("circuit").path("failures").asInt()).isZero();
                assertThat(s.path("deferred").asInt()).isZero();
                assertThat(s.path("queued").asInt()).isZero();
                assertThat(api(herald, "/api/subscriptions/limited").path("deferred").asInt()).isZero();
            });
            assertThat(herald.query("select count(*) as n from deliveries where status = 'succeeded'").get(0).get("n")).isEqualTo(10L);
        }
    }

    @Test
    void aSubscriptionFailingForTheWholeWindowIsDisabledAndSaysSo() throws Exception {
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start("subscriptions:\n"
                     + sub("broken", "broken", receiver.url("/broken"), "retry: [0s, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms, 200ms]")
                     + """
                       - id: ops
                         types: ["herald.subscription.disabled"]
                         channel: webhook
                         parameters: {url: "%s", secretFile: SECRET_FILE}
                     """.formatted(receiver.url("/ops")),
                     Map.of("herald.circuit.failures", "2", "herald.circuit.probe-interval", "500ms", "herald.circuit.disable-after", "3s"))) {
            for (int i = 0; i < 100; i++) receiver.script("/broken", Response.of(503));
            send(herald, "broken", "D-1");

            await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.requests("/ops").isEmpty());
            var disabled = Json.tree(receiver.requests("/ops").get(0).bodyText());
            assertThat(disabled.path("type").asText()).isEqualTo("herald.subscription.disabled");
            assertThat(disabled.path("data").path("subscriptionId").asText()).isEqualTo("broken");
            assertThat(disabled.path("data").path("reason").asText()).contains("continuous failure");
            assertThat(herald.query("select enabled from subscription_state where subscription_id = 'broken'"))
                    .containsExactly(Map.of("enabled", false));
        }
    }

    @Test
    void aRateLimitedPartnerGetsItsRateAndAnotherIsNotSlowed() throws Exception {
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start("subscriptions:\n"
                     + sub("limited", "both", receiver.url("/limited"), "rateLimit: 10/s")
                     + sub("free", "both", receiver.url("/free"), ""), Map.of())) {
            int n = 60;
            for (int i = 0; i < n; i++) send(herald, "both", "L-" + i);

            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests("/free").size() == n);
            long freeDone = receiver.requests("/free").get(n - 1).receivedAt();
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests("/limited").size() == n);
            List<Receiver.Request> limited = receiver.requests("/limited");
            long first = limited.get(0).receivedAt();
            long last = limited.get(n - 1).receivedAt();
            double rate = (n - 1) * 1000.0 / (last - first);
            System.out.printf("rate limit 10/s: measured %.2f deliveries/s at the receiver; the free partner finished %d ms before%n",
                    rate, last - freeDone);
            // Never above the rate; below it only by the spacing's twentieth and what a busy machine adds.
            assertThat(rate).as("deliveries/s at the receiver").isBetween(8.0, 10.0);
            // As sent: no one-second window holds more than 10, the first seconds included (the times
            // Herald let each attempt go, from the attempt log).
            List<Long> sent = await().atMost(Duration.ofSeconds(10)).until(() -> herald.query("select a.started_at from attempts a"
                    + " join deliveries d on d.id = a.delivery_id where d.subscription_id = 'limited' order by a.started_at").stream()
                    .map(r -> ((java.sql.Timestamp) r.get("started_at")).getTime()).toList(), l -> l.size() == n);
            for (int i = 0; i + 10 < n; i++) {
                assertThat(sent.get(i + 10) - sent.get(i)).as("attempts %d to %d went within one second", i, i + 10)
                        .isGreaterThanOrEqualTo(1000);
            }
            // As received, the network and the receiver's threads add their jitter: at most one more at a window's edge.
            for (int i = 0; i + 11 < n; i++) {
                assertThat(limited.get(i + 11).receivedAt() - limited.get(i).receivedAt())
                        .as("deliveries %d to %d arrived within one second", i, i + 11).isGreaterThanOrEqualTo(1000);
            }
            assertThat(freeDone).as("the free partner was done long before").isLessThan(last - 2000);
        }
    }
}
