package dev.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.Http;
import dev.herald.support.PartnerClient;
import dev.herald.support.Receiver;
import dev.herald.support.StandardWebhooksVerifier;
import dev.herald.support.TestHerald;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Partners' own webhook subscriptions over the partner API: made, changed, disabled, deleted and
 * paged by the partner; matched through the same registry as the file's; scoped so a partner gets
 * only events for it (or broadcast to all); invisible to every other partner; checked with clear
 * errors; held to the partner's quota; and pointed only at addresses the partners' guard allows.
 */
class PartnerSubscriptionsTest {

    static final String ADMIN_KEY = ApiKeys.newKey();
    static final String INGEST_KEY = ApiKeys.newKey();
    static Receiver receiver;
    static TestHerald herald;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
        int port = Integer.parseInt(receiver.url("").replaceFirst(".*:", ""));
        // The platform's file: one subscription of its own (it gets every order event), whose id partner careful cannot take.
        herald = TestHerald.start("""
                subscriptions:
                  - id: careful.legacy
                    types: ["order.*", "platform.*"]
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                """.formatted(receiver.url("/platform")), Map.of(
                "herald.http.admin-keys", "ops:" + ApiKeys.hash(ADMIN_KEY),
                "herald.http.ingest-keys", "shop:" + ApiKeys.hash(INGEST_KEY),
                // Only the receiver's port: the platform's allow-list (all of 127.0.0.1 in tests) is not the partners'.
                "herald.partners.ssrf.allow", "127.0.0.1:" + port));
    }

    @AfterAll
    static void stop() throws Exception {
        if (herald != null) herald.close();
        receiver.close();
    }

    static PartnerClient partner(String id) throws Exception {
        return PartnerClient.create(herald, ADMIN_KEY, id, null);
    }

    static String subscription(String name, String path, String types) {
        return "{\"name\": \"" + name + "\", \"url\": \"" + receiver.url(path) + "\", \"types\": " + types + "}";
    }

    /** Posts one structured CloudEvent; partnerId null for an event for no one partner. */
    static void event(String id, String type, String partnerId, String data) throws Exception {
        String partner = partnerId == null ? "" : ", \"partnerid\": \"" + partnerId + "\"";
        HttpResponse<String> r = Http.post(herald.http("/events"), "application/cloudevents+json",
                "{\"specversion\": \"1.0\", \"id\": \"" + id + "\", \"source\": \"urn:test\", \"type\": \"" + type + "\"" + partner
                        + ", \"data\": " + data + "}", "Authorization", "Bearer " + INGEST_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    static List<String> eventIds(String path) {
        return receiver.requests(path).stream().map(r -> Json.tree(r.bodyText()).path("id").asText()).toList();
    }

    @Test
    void aPartnersSubscriptionReceivesSignedEventsForThatPartnerAndNoOtherPartners() throws Exception {
        PartnerClient east = partner("east");
        PartnerClient west = partner("west");
        JsonNode made = east.subscribe(subscription("orders", "/east", "[\"order.*\", \"platform.maintenance.scheduled\"]"));
        assertThat(made.path("id").asText()).isEqualTo("east.orders");
        assertThat(made.path("secret").asText()).startsWith("whsec_");
        assertThat(made.path("rateLimit").asText()).as("the partner's quota, by default").isEqualTo("50/s");
        west.subscribe(subscription("orders", "/west", "[\"order.created\", \"platform.*\"]"));

        event("scoped-east", "order.created", "east", "{\"orderId\": \"E-1\"}");
        event("scoped-west", "order.created", "west", "{\"orderId\": \"W-1\"}");
        event("for-no-partner", "order.created", null, "{\"orderId\": \"P-1\"}");
        event("broadcast", "platform.maintenance.scheduled", null, "{\"startsAt\": \"2026-12-24T02:00:00Z\"}");
        event("broadcast-for-west", "platform.maintenance.scheduled", "west", "{\"startsAt\": \"2026-12-25T02:00:00Z\"}");
        // The marker: it reaches the platform's subscription last, so anything wrongly sent is there by then.
        event("marker", "order.updated", "east", "{\"orderId\": \"E-2\"}");

        await().atMost(Duration.ofSeconds(20)).until(() -> eventIds("/east").contains("marker") && eventIds("/platform").contains("marker"));
        await().atMost(Duration.ofSeconds(5)).until(() -> eventIds("/west").size() >= 3);
        assertThat(eventIds("/east")).containsExactlyInAnyOrder("scoped-east", "broadcast", "marker");
        assertThat(eventIds("/west")).containsExactlyInAnyOrder("scoped-west", "broadcast", "broadcast-for-west");
        assertThat(eventIds("/platform")).as("the platform's own subscription gets every partner's events")
                .contains("scoped-east", "scoped-west", "for-no-partner", "broadcast", "broadcast-for-west", "marker");

        Receiver.Request r = receiver.requests("/east").get(0);
        assertThat(StandardWebhooksVerifier.verify(made.path("secret").asText(), r.header("webhook-id"), r.header("webhook-timestamp"),
                r.header("webhook-signature"), r.body(), System.currentTimeMillis() / 1000, 300)).isTrue();
        assertThat(Json.tree(r.bodyText()).path("partnerid").asText()).isEqualTo("east");
    }

    @Test
    void anotherPartnersSubscriptionIsNotFoundOnEveryRouteAndNeverListed() throws Exception {
        PartnerClient north = partner("north");
        PartnerClient south = partner("south");
        north.subscribe(subscription("mine", "/north", "[\"order.*\"]"));
        String path = "/subscriptions/north.mine";

        List<HttpResponse<String>> tries = List.of(south.get(path), south.patch(path, "{\"description\": \"taken over\"}"),
                south.post(path + "/rotate-secret", "{}"), south.delete(path));
        HttpResponse<String> absent = south.get("/subscriptions/south.nothing");
        for (HttpResponse<String> t : tries) {
            assertThat(t.statusCode()).as(t.body()).isEqualTo(404);
            // Word for word what a subscription that does not exist gets: nothing says it is someone else's.
            assertThat(t.body()).isEqualTo(absent.body().replace("south.nothing", "north.mine"));
            assertThat(t.body()).doesNotContain("/north");
        }
        assertThat(absent.statusCode()).isEqualTo(404);
        assertThat(Json.tree(south.get("/subscriptions").body()).path("items")).isEmpty();

        JsonNode still = Json.tree(north.get(path).body());
        assertThat(still.path("description").isNull()).as("nothing changed").isTrue();
        assertThat(still.has("secret")).as("the secret is shown only once").isFalse();
        assertThat(Json.tree(north.get("/subscriptions").body()).path("items").findValuesAsText("id")).containsExactly("north.mine");
    }

    @Test
    void aPartnerChangesDisablesEnablesAndDeletesItsSubscription() throws Exception {
        PartnerClient p = partner("changer");
        p.subscribe(subscription("flow", "/changer-a", "[\"order.created\"]"));
        String path = "/subscriptions/changer.flow";

        HttpResponse<String> moved = p.patch(path, "{\"url\": \"" + receiver.url("/changer-b") + "\", \"description\": \"moved\","
                + " \"filter\": {\"data\": {\"total\": [{\"numeric\": [\">=\", 100]}]}}}");
        assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
        assertThat(Json.tree(moved.body()).path("url").asText()).endsWith("/changer-b");
        event("changer-small", "order.created", "changer", "{\"orderId\": \"C-1\", \"total\": 5}");
        event("changer-big", "order.created", "changer", "{\"orderId\": \"C-2\", \"total\": 500}");
        await().atMost(Duration.ofSeconds(15)).until(() -> eventIds("/changer-b").contains("changer-big"));
        assertThat(eventIds("/changer-b")).containsExactly("changer-big");
        assertThat(receiver.requests("/changer-a")).isEmpty();

        HttpResponse<String> off = p.patch(path, "{\"enabled\": false}");
        assertThat(Json.tree(off.body()).path("enabled").asBoolean()).isFalse();
        assertThat(Json.tree(off.body()).path("disabledReason").asText()).isEqualTo("disabled by the partner");
        event("changer-while-off", "order.created", "changer", "{\"orderId\": \"C-3\", \"total\": 500}");
        assertThat(Json.tree(p.patch(path, "{\"enabled\": true}").body()).path("enabled").asBoolean()).isTrue();
        event("changer-on-again", "order.created", "changer", "{\"orderId\": \"C-4\", \"total\": 500}");
        await().atMost(Duration.ofSeconds(15)).until(() -> eventIds("/changer-b").contains("changer-on-again"));
        assertThat(eventIds("/changer-b")).doesNotContain("changer-while-off");

        assertThat(p.delete(path).statusCode()).isEqualTo(204);
        assertThat(p.get(path).statusCode()).isEqualTo(404);
        assertThat(p.delete(path).statusCode()).isEqualTo(404);
        event("changer-after-delete", "order.created", "changer", "{\"orderId\": \"C-5\", \"total\": 500}");
        event("changer-marker", "order.created", "north", "{\"orderId\": \"C-6\"}");
        await().atMost(Duration.ofSeconds(15)).until(() -> eventIds("/platform").contains("changer-marker"));
        assertThat(eventIds("/changer-b")).doesNotContain("changer-after-delete");
    }

    @Test
    void whatAPartnerMayNotAskForIsRefusedWithTheReasonAndNothingIsMade() throws Exception {
        PartnerClient p = partner("careful");
        Map<String, String> refused = new java.util.HashMap<>(Map.of(
                "{\"url\": \"" + receiver.url("/x") + "\", \"types\": [\"user.signed_up\"]}", "'user.signed_up' matches no event type partners may receive",
                "{\"url\": \"http://169.254.169.254/latest\", \"types\": [\"order.*\"]}", "the cloud metadata service",
                "{\"url\": \"" + herald.http("/api/events") + "\", \"types\": [\"order.*\"]}", "loopback",
                "{\"url\": \"ftp://example.com/x\", \"types\": [\"order.*\"]}", "not an http(s) URL",
                "{\"url\": \"" + receiver.url("/x") + "\", \"types\": [\"order.*\"], \"rateLimit\": \"51/s\"}", "above your quota of 50/s",
                "{\"url\": \"" + receiver.url("/x") + "\", \"types\": [\"order.*\"], \"retry\": [\"0s\", \"2d\"]}", "longer than a day",
                "{\"url\": \"" + receiver.url("/x") + "\", \"types\": [\"order.*\"], \"filter\": {\"data\": {\"total\": 5}}}", "filter",
                "{\"url\": \"" + receiver.url("/x") + "\", \"types\": [\"order.*\"], \"secret\": \"mine\"}", "unknown field 'secret'",
                "{\"name\": \"Not OK\", \"url\": \"" + receiver.url("/x") + "\", \"types\": [\"order.*\"]}", "name 'Not OK' is not allowed",
                "{\"name\": \"legacy\", \"url\": \"" + receiver.url("/x") + "\", \"types\": [\"order.*\"]}", "cannot be used"));
        refused.put("{\"email\": \"ops@careful.example\", \"types\": [\"herald.*\"]}", "the platform sends partners no email");
        for (var e : refused.entrySet()) {
            HttpResponse<String> r = p.post("/subscriptions", e.getKey());
            assertThat(r.statusCode()).as(e.getKey()).isIn(400, 409);
            assertThat(r.body()).as(e.getKey()).contains(e.getValue());
        }
        assertThat(Json.tree(p.get("/subscriptions").body()).path("items")).as("nothing made by a refused request").isEmpty();

        p.subscribe(subscription("one", "/careful", "[\"order.*\"]"));
        HttpResponse<String> twice = p.post("/subscriptions", subscription("one", "/careful", "[\"order.*\"]"));
        assertThat(twice.statusCode()).isEqualTo(409);
        assertThat(twice.body()).contains("you have a subscription named 'one' already");
        HttpResponse<String> badPatch = p.patch("/subscriptions/careful.one", "{\"types\": [\"payment.failed\"], \"enabled\": \"yes\"}");
        assertThat(badPatch.statusCode()).isEqualTo(400);
        assertThat(Json.tree(p.get("/subscriptions/careful.one").body()).path("types").toString()).isEqualTo("[\"order.*\"]");
    }

    @Test
    void aPartnerAtItsQuotaGets429AndListsPageByCursor() throws Exception {
        PartnerClient p = PartnerClient.create(herald, ADMIN_KEY, "small", "{\"maxSubscriptions\": 3}");
        for (String name : List.of("a", "b", "c")) p.subscribe(subscription(name, "/small", "[\"order.*\"]"));
        HttpResponse<String> over = p.post("/subscriptions", subscription("d", "/small", "[\"order.*\"]"));
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.body()).contains("you have 3 subscriptions, your quota");

        JsonNode first = Json.tree(p.get("/subscriptions?limit=2").body());
        assertThat(first.path("items").findValuesAsText("id")).containsExactly("small.a", "small.b");
        JsonNode second = Json.tree(p.get("/subscriptions?limit=2&after=" + first.path("next").asText()).body());
        assertThat(second.path("items").findValuesAsText("id")).containsExactly("small.c");
        assertThat(second.path("next").isNull()).isTrue();
        assertThat(p.get("/subscriptions?limit=0").statusCode()).isEqualTo(400);

        assertThat(p.delete("/subscriptions/small.a").statusCode()).isEqualTo(204);
        p.subscribe(subscription("d", "/small", "[\"order.*\"]"));
    }

    @Test
    void aSuspendedPartnersSubscriptionsStopAndADeletedPartnersAreGone() throws Exception {
        PartnerClient p = partner("paused");
        p.subscribe(subscription("s", "/paused", "[\"order.*\"]"));
        assertThat(Http.post(herald.http("/api/partners/paused/suspend"), "application/json", "", "Authorization", "Bearer " + ADMIN_KEY)
                .statusCode()).isEqualTo(200);
        event("paused-while-suspended", "order.created", "paused", "{\"orderId\": \"S-1\"}");
        Http.post(herald.http("/api/partners/paused/resume"), "application/json", "", "Authorization", "Bearer " + ADMIN_KEY);
        event("paused-resumed", "order.created", "paused", "{\"orderId\": \"S-2\"}");
        await().atMost(Duration.ofSeconds(15)).until(() -> eventIds("/paused").contains("paused-resumed"));
        assertThat(eventIds("/paused")).doesNotContain("paused-while-suspended");

        assertThat(Http.delete(herald.http("/api/partners/paused"), "Authorization", "Bearer " + ADMIN_KEY).statusCode()).isEqualTo(204);
        assertThat(herald.query("select id from partner_subscriptions where partner_id = ?", "paused")).isEmpty();
        event("paused-after-delete", "order.created", "paused", "{\"orderId\": \"S-3\"}");
        event("paused-marker", "order.created", "north", "{\"orderId\": \"S-4\"}");
        await().atMost(Duration.ofSeconds(15)).until(() -> eventIds("/platform").contains("paused-marker"));
        assertThat(eventIds("/paused")).doesNotContain("paused-after-delete");
    }

    @Test
    void theSecretIsKeptSealedAndTheCatalogShowsPartnersOnlyTheirTypes() throws Exception {
        PartnerClient p = partner("sealed");
        String secret = p.subscribe(subscription("s", "/sealed", "[\"order.*\"]")).path("secret").asText();
        Map<String, Object> row = herald.query("select * from partner_subscriptions where id = ?", "sealed.s").get(0);
        assertThat(row.values().toString()).doesNotContain(secret).doesNotContain(secret.substring(6, 20));

        JsonNode types = Json.tree(p.get("/event-types").body()).path("items");
        assertThat(types.findValuesAsText("type")).contains("order.created", "platform.maintenance.scheduled", "herald.delivery.dead")
                .doesNotContain("user.signed_up");
        for (JsonNode t : types) {
            assertThat(t.path("delivery").asText()).isIn("scoped", "broadcast");
            assertThat(t.has("schema")).isTrue();
        }
    }
}
