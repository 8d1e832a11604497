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
        herald = PartnerClient.herald(ADMIN_KEY, receiver, Map.of());
        viewer = PartnerClient.create(herald, ADMIN_KEY, "viewer", null);
        other = PartnerClient.create(herald, ADMIN_KEY, "other", null);
        viewer.subscribe("{\"name\": \"ok\", \"url\": \"" + receiver.url("/ok") + "\", \"types\": [\"order.*\"]}");
        viewer.subscribe("{\"name\": \"failing\", \"url\": \"" + receiver.url("/failing") + "\", \"types\": [\"order.*\"],"
                + " \"retry\": [\"0s\", \"200ms\"]}");
        // Each partner's own operational events: what dies or is disabled of theirs.
        viewer.subscribe("{\"name\": \"ops\", \"url\": \"" + receiver.url("/viewer-ops") + "\", \"types\": [\"herald.*\"]}");
        other.subscribe("{\"name\": \"ops\", \"url\": \"" + receiver.url("/other-ops") + "\", \"types\": [\"herald.*\"]}");
        receiver.script("/failing", "view-1", Receiver.Response.text(500, "database unavailable"), Receiver.Response.text(500, "database unavailable"));
        for (String id : List.of("view-1", "view-2")) PartnerClient.sendOrder(herald, ADMIN_KEY, id, "viewer");
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

    static String portalToken(String partnerId, String body) throws Exception {
        HttpResponse<String> r = Http.post(herald.http("/api/partners/" + partnerId + "/portal-link"), "application/json", body,
                "Authorization", "Bearer " + ADMIN_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String url = Json.tree(r.body()).path("url").asText();
        assertThat(url).startsWith(herald.http("/portal#token=hpp_"));
        return url.substring(url.indexOf("#token=") + 7);
    }

    @Test
    void aPortalLinkIsThePartnersKeyUntilItExpiresAndNothingMore() throws Exception {
        String token = portalToken("viewer", "{\"validFor\": \"3s\"}");
        String bearer = "Bearer " + token;
        assertThat(Json.tree(Http.get(herald.http("/partner/v1/subscriptions"), "Authorization", bearer).body()).path("items")
                .findValuesAsText("id")).contains("viewer.ok").doesNotContain("other.ops");
        assertThat(Http.get(herald.http("/partner/v1/subscriptions/other.ops/health"), "Authorization", bearer).statusCode()).isEqualTo(404);
        assertThat(Http.get(herald.http("/api/partners"), "Authorization", bearer).statusCode()).as("not an admin key").isEqualTo(401);
        String forged = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
        assertThat(Http.get(herald.http("/partner/v1/partner"), "Authorization", "Bearer " + forged).statusCode()).isEqualTo(401);
        // Another partner's id with this signature: the signature covers the id.
        String[] parts = token.substring(4).split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[0]), java.nio.charset.StandardCharsets.UTF_8)
                .replace("viewer", "other");
        String swapped = "hpp_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "." + parts[1];
        assertThat(Http.get(herald.http("/partner/v1/partner"), "Authorization", "Bearer " + swapped).statusCode()).isEqualTo(401);

        HttpResponse<String> page = Http.get(herald.http("/portal"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.body()).contains("/partner/v1");
        // The style it links is served, as the script is.
        for (String linked : new String[] {"/ui/herald.css", "/ui/charts.js"}) {
            assertThat(page.body()).contains(linked);
            HttpResponse<String> r = Http.get(herald.http(linked));
            assertThat(r.statusCode()).as(linked).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(linked)
                    .startsWith(linked.endsWith(".css") ? "text/css" : "text/javascript");
        }
        for (String bad : new String[] {"{\"validFor\": \"25h\"}", "{\"validFor\": \"soon\"}"}) {
            assertThat(Http.post(herald.http("/api/partners/viewer/portal-link"), "application/json", bad, "Authorization", "Bearer " + ADMIN_KEY)
                    .statusCode()).as(bad).isEqualTo(400);
        }
        assertThat(Http.post(herald.http("/api/partners/nobody/portal-link"), "application/json", "{}", "Authorization", "Bearer " + ADMIN_KEY)
                .statusCode()).isEqualTo(404);

        Thread.sleep(3_200);
        HttpResponse<String> expired = Http.get(herald.http("/partner/v1/partner"), "Authorization", bearer);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("portal link has expired");

        PartnerClient suspended = PartnerClient.create(herald, ADMIN_KEY, "linked", null);
        String linked = portalToken(suspended.id, "{}");
        Http.post(herald.http("/api/partners/linked/suspend"), "application/json", "", "Authorization", "Bearer " + ADMIN_KEY);
        assertThat(Http.get(herald.http("/partner/v1/partner"), "Authorization", "Bearer " + linked).statusCode()).isEqualTo(403);
    }

    @Test
    void anEndpointsChartHasItsAttemptsInBuckets() throws Exception {
        JsonNode stats = Json.tree(viewer.get("/subscriptions/viewer.failing/stats?hours=24").body());
        assertThat(stats.path("buckets")).hasSize(24);
        assertThat(stats.path("bucketSeconds").asInt()).isEqualTo(3600);
        JsonNode last = stats.path("buckets").get(23);
        assertThat(last.path("failed").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(last.path("succeeded").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(last.path("p99").isNumber()).isTrue();
        assertThat(viewer.get("/subscriptions/viewer.failing/stats?hours=0").statusCode()).isEqualTo(400);
        assertThat(other.get("/subscriptions/viewer.failing/stats").statusCode()).isEqualTo(404);
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
