package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import dev.herald.support.TestHerald;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Slack incoming webhooks, against a loopback server that checks Slack's payload contract. */
class SlackChannelTest {

    static Receiver slack;
    static TestHerald herald;

    @BeforeAll
    static void start() throws Exception {
        slack = new Receiver();
        slack.script("/ok", Response.text(200, "ok"));
        herald = TestHerald.start("""
                subscriptions:
                  - id: sales-channel
                    types: ["order.*"]
                    filter: {data: {scenario: [plain]}}
                    channel: slack
                    parameters: {url: "{{test.slack.ok}}"}
                  - id: shaped
                    types: ["order.*"]
                    filter: {data: {scenario: [shaped]}}
                    channel: slack
                    parameters: {url: "{{test.slack.shaped}}"}
                    transform: '{"text": "Order " + .data.orderId, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Order* " + .data.orderId}}]}'
                    retry: [0s, 100ms, 100ms]
                  - id: broken-message
                    types: ["order.*"]
                    filter: {data: {scenario: [invalid]}}
                    channel: slack
                    parameters: {url: "{{test.slack.invalid}}"}
                    retry: [0s, 100ms, 100ms]
                  - id: partner
                    types: ["order.*"]
                    filter: {data: {scenario: [gone]}}
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                  - id: ops-slack
                    types: ["herald.subscription.disabled"]
                    channel: slack
                    parameters: {url: "{{test.slack.ops}}"}
                """.formatted(slack.url("/partner")), Map.of(
                "test.slack.ok", slack.url("/services/T000/B000/ok"),
                "test.slack.shaped", slack.url("/services/T000/B000/shaped"),
                "test.slack.invalid", slack.url("/services/T000/B000/invalid"),
                "test.slack.ops", slack.url("/services/T000/B000/ops")));
    }

    @AfterAll
    static void stop() throws Exception {
        herald.close();
        slack.close();
    }

    @Test
    void aBlockKitSummaryArrivesAndMeetsSlacksContract() throws Exception {
        send("plain", "P-1");
        Receiver.Request r = await().atMost(Duration.ofSeconds(15)).until(() -> slack.requests("/services/T000/B000/ok"), l -> !l.isEmpty()).get(0);
        JsonNode message = Json.tree(r.bodyText());
        assertSlackContract(message);
        assertThat(message.path("text").asText()).isEqualTo("order.created for P-1");
        assertThat(message.path("blocks").get(0).path("type").asText()).isEqualTo("header");
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.headers().keySet()).noneMatch(h -> h.startsWith("webhook-"));
    }

    @Test
    void rateLimitingHonoursRetryAfter() throws Exception {
        slack.script("/services/T000/B000/shaped", new Response(429, Map.of("Retry-After", "2"), 0, "rate_limited"), Response.text(200, "ok"));
        send("shaped", "S-1");
        await().atMost(Duration.ofSeconds(15)).until(() -> slack.requests("/services/T000/B000/shaped").size() >= 2);
        List<Receiver.Request> calls = slack.requests("/services/T000/B000/shaped");
        assertThat(calls.get(1).receivedAt() - calls.get(0).receivedAt()).isGreaterThanOrEqualTo(2000);
        JsonNode message = Json.tree(calls.get(1).bodyText());
        assertSlackContract(message);
        assertThat(message.path("text").asText()).isEqualTo("Order S-1");
    }

    @Test
    void invalidPayloadIsPermanentAndDeadLettersAtOnce() throws Exception {
        slack.script("/services/T000/B000/invalid", Response.text(400, "invalid_payload"));
        send("invalid", "I-1");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(herald.query("select reason from dead_letters where subscription_id = 'broken-message'"))
                        .singleElement().satisfies(row -> assertThat((String) row.get("reason")).contains("invalid_payload")));
        assertThat(slack.requests("/services/T000/B000/invalid")).hasSize(1);
    }

    @Test
    void aDisabledSubscriptionIsAnnouncedInSlack() throws Exception {
        slack.script("/partner", Response.of(410));
        send("gone", "G-1");
        Receiver.Request r = await().atMost(Duration.ofSeconds(20)).until(() -> slack.requests("/services/T000/B000/ops"), l -> !l.isEmpty()).get(0);
        JsonNode message = Json.tree(r.bodyText());
        assertSlackContract(message);
        assertThat(message.path("text").asText()).isEqualTo("herald.subscription.disabled for partner");
    }

    /** What Slack accepts: a text, and if blocks are given, a list of blocks that each have a type. */
    static void assertSlackContract(JsonNode message) {
        assertThat(message.path("text").isTextual() || message.path("blocks").isArray()).as("text or blocks").isTrue();
        if (message.has("blocks")) {
            assertThat(message.path("blocks").isArray()).isTrue();
            message.path("blocks").forEach(b -> assertThat(b.path("type").isTextual()).as("block type").isTrue());
        }
    }

    private static void send(String scenario, String orderId) throws Exception {
        herald.send("legacy.orders", Json.string(Map.of("orderId", orderId, "status", "created", "scenario", scenario)));
    }
}
