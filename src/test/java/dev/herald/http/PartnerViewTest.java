package dev.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.Http;
import dev.herald.support.PartnerClient;
import dev.herald.support.Receiver;
import dev.herald.support.TestHerald;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a partner sees of its own deliveries: every attempt with the receiver's answer, its dead
 * letters and their replay, each endpoint's health, a test event on demand — and nothing of
 * another partner's, on every route.
 */
class PartnerViewTest {

    static final String ADMIN_KEY = ApiKeys.newKey();
    static Receiver receiver;
    static TestHerald herald;
    static PartnerClient viewer;
    static PartnerClient other;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
        herald = TestHerald.start("subscriptions: []\n", Map.of("herald.http.admin-keys", "ops:" + ApiKeys.hash(ADMIN_KEY),
                "herald.partners.ssrf.allow", "127.0.0.1:" + receiver.url("").replaceFirst(".*:", "")));
        viewer = PartnerClient.create(herald, ADMIN_KEY, "viewer", null);
        other = PartnerClient.create(herald, ADMIN_KEY, "other", null);
        viewer.subscribe("{\"name\": \"ok\", \"url\": \"" + receiver.url("/ok") + "\", \"types\": [\"order.*\"]}");
        viewer.subscribe("{\"name\": \"failing\", \"url\": \"" + receiver.url("/failing") + "\", \"types\": [\"order.*\"],"
                + " \"retry\": [\"0s\", \"200ms\"]}");
        // Each partner's own operational events: what dies or is disabled of theirs.
        viewer.subscribe("{\"name\": \"ops\", \"url\": \"" + receiver.url("/viewer-ops") + "\", \"types\": [\"herald.*\"]}");
        other.subscribe("{\"name\": \"ops\", \"url\": \"" + receiver.url("/other-ops") + "\", \"types\": [\"herald.*\"]}");
        receiver.script("/failing", "view-1", Receiver.Response.text(500, "database unavailable"), Receiver.Response.text(500, "database unavailable"));
        for (String id : List.of("view-1", "view-2")) {
            HttpResponse<String> r = Http.post(herald.http("/events"), "application/cloudevents+json", "{\"specversion\": \"1.0\", \"id\": \""
                    + id + "\", \"source\": \"urn:test\", \"type\": \"order.created\", \"partnerid\": \"viewer\", \"data\": {\"orderId\": \""
                    + id + "\"}}", "Authorization", "Bearer " + ADMIN_KEY);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        }
        // view-1 dies at /failing (two 500s); view-2 succeeds there (the script is used up).
        await().atMost(Duration.ofSeconds(20)).until(() -> items(viewer.get("/deliveries?status=succeeded")).size() >= 3
                && items(viewer.get("/dead-letters")).size() == 1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (herald != null) herald.close();
        receiver.close();
    }

    static JsonNode items(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.tree(r.body()).path("items");
    }

    static String deadId() throws Exception {
        return items(viewer.get("/dead-letters")).get(0).path("deliveryId").asText();
    }

    @Test
    void aPartnerSeesEachDeliveryWithEveryAttemptAndTheReceiversAnswer() throws Exception {
        JsonNode dead = items(viewer.get("/deliveries?status=dead"));
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).path("subscriptionId").asText()).isEqualTo("viewer.failing");
        assertThat(dead.get(0).path("eventType").asText()).isEqualTo("order.created");

        JsonNode d = Json.tree(viewer.get("/deliveries/" + dead.get(0).path("id").asText()).body());
        assertThat(d.path("attempts")).hasSize(2);
        assertThat(d.path("attempts").get(0).path("statusCode").asInt()).isEqualTo(500);
        assertThat(d.path("attempts").get(0).path("responseExcerpt").asText()).isEqualTo("database unavailable");
        assertThat(d.path("attempts").get(0).has("latencyMs")).isTrue();
        assertThat(d.path("event").path("id").asText()).isEqualTo("view-1");

        // viewer.failing has exactly two deliveries (view-1, view-2): a page of one, then the last.
        JsonNode first = Json.tree(viewer.get("/deliveries?subscription=viewer.failing&limit=1").body());
        JsonNode second = Json.tree(viewer.get("/deliveries?subscription=viewer.failing&limit=1&after=" + first.path("next").asText()).body());
        assertThat(first.path("items")).hasSize(1);
        assertThat(second.path("items")).hasSize(1);
        assertThat(second.path("next").isNull()).isTrue();
        assertThat(first.path("items").findValuesAsText("id")).doesNotContainAnyElementsOf(second.path("items").findValuesAsText("id"));
        assertThat(viewer.get("/deliveries?after=nonsense").statusCode()).isEqualTo(400);
        assertThat(viewer.get("/deliveries?status=lost").statusCode()).isEqualTo(400);
        assertThat(items(viewer.get("/deliveries?subscription=viewer.failing"))).hasSize(2);
    }

    @Test
    void anotherPartnerFindsNothingOfTheirsOnAnyRoute() throws Exception {
        String delivery = items(viewer.get("/deliveries")).get(0).path("id").asText();
        long testsBefore = tests();
        assertThat(items(other.get("/deliveries"))).isEmpty();
        assertThat(items(other.get("/dead-letters"))).isEmpty();
        List<HttpResponse<String>> tries = List.of(other.get("/deliveries/" + delivery), other.post("/dead-letters/" + deadId() + "/replay", "{}"),
                other.get("/subscriptions/viewer.ok/health"), other.post("/subscriptions/viewer.ok/test", "{}"),
                other.get("/deliveries?subscription=viewer.ok"), other.get("/dead-letters?subscription=viewer.failing"));
        for (HttpResponse<String> t : tries) {
            assertThat(t.statusCode()).as(t.body()).isEqualTo(404);
            assertThat(t.body()).doesNotContain("database unavailable").doesNotContain("view-1");
        }
        Thread.sleep(500);
        assertThat(tests()).as("no test sent").isEqualTo(testsBefore);
    }

    static long tests() {
        return receiver.requests("/ok").stream().filter(r -> r.bodyText().contains("herald.test")).count();
    }

    @Test
    void aPartnerIsToldWhenOneOfItsDeliveriesDiesAndNoOtherPartnerIs() throws Exception {
        await().atMost(Duration.ofSeconds(15)).until(() -> !receiver.requests("/viewer-ops").isEmpty());
        JsonNode told = Json.tree(receiver.requests("/viewer-ops").get(0).bodyText());
        assertThat(told.path("type").asText()).isEqualTo("herald.delivery.dead");
        assertThat(told.path("partnerid").asText()).isEqualTo("viewer");
        assertThat(told.path("data").path("subscriptionId").asText()).isEqualTo("viewer.failing");
        assertThat(told.path("data").path("reason").asText()).contains("500");
        Thread.sleep(500);
        assertThat(receiver.requests("/other-ops")).isEmpty();
    }

    @Test
    void anEndpointsHealthSaysHowItFares() throws Exception {
        JsonNode h = Json.tree(viewer.get("/subscriptions/viewer.failing/health").body());
        assertThat(h.path("enabled").asBoolean()).isTrue();
        assertThat(h.path("circuit").path("state").asText()).isEqualTo("closed");
        JsonNode day = h.path("lastDay");
        assertThat(day.path("attempts").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(day.path("succeeded").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(day.path("successRate").asDouble()).isLessThan(1.0).isGreaterThan(0.0);
        assertThat(day.path("latencyMs").path("p50").isNumber()).isTrue();
        JsonNode ok = Json.tree(viewer.get("/subscriptions/viewer.ok/health").body()).path("lastHour");
        assertThat(ok.path("successRate").asDouble()).isEqualTo(1.0);
    }

    @Test
    void aPartnerReplaysItsDeadLetterAndSendsItselfATestEvent() throws Exception {
        String dead = deadId();
        HttpResponse<String> replayed = viewer.post("/dead-letters/" + dead + "/replay", "{}");
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(202);
        // Two attempts before it died, the third is the replay's: same webhook-id, same event.
        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/failing").stream()
                .filter(r -> dead.equals(r.header("webhook-id")) && r.bodyText().contains("view-1")).count() == 3);
        assertThat(viewer.post("/dead-letters/" + dead + "/replay", "{}").statusCode()).as("once").isEqualTo(409);

        HttpResponse<String> test = viewer.post("/subscriptions/viewer.ok/test", "{}");
        assertThat(test.statusCode()).as(test.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/ok").stream().anyMatch(r -> r.bodyText().contains("herald.test")));
    }
}
