package dev.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.deliver.Delivery;
import dev.herald.event.Json;
import dev.herald.store.LogRecord;
import dev.herald.support.Http;
import dev.herald.support.HeraldExtension;
import dev.herald.support.Receiver.Response;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin API against a running Herald: reading what happened, replays, re-sends, subscriptions. */
class AdminApiTest {

    static final String ADMIN_KEY = ApiKeys.newKey();

    @RegisterExtension
    static final HeraldExtension env = new HeraldExtension(receiver -> """
                subscriptions:
                  - id: flaky
                    types: ["shop.*"]
                    filter: {data: {to: [flaky]}}
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                    retry: [0s]
                  - id: steady
                    types: ["shop.*"]
                    filter: {data: {to: [steady]}}
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                """.formatted(receiver.url("/flaky"), receiver.url("/steady")),
            Map.of("herald.http.admin-keys", "ops:" + ApiKeys.hash(ADMIN_KEY)));

    static HttpResponse<String> post(String path, String body) throws Exception {
        return Http.post(env.herald().http(path), "application/json", body, "Authorization", "Bearer " + ADMIN_KEY);
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = Http.get(env.herald().http(path), "Authorization", "Bearer " + ADMIN_KEY);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return Json.tree(r.body());
    }

    static void send(String id, String to) throws Exception {
        HttpResponse<String> r = post("/events", """
                {"specversion": "1.0", "id": "%s", "source": "urn:test", "type": "shop.order", "data": {"to": "%s"}}"""
                .formatted(id, to));
        assertThat(r.statusCode()).isEqualTo(202);
    }

    /** Sends an event the flaky receiver fails once (500): its only attempt dies. */
    static void sendToDie(String id) throws Exception {
        env.receiver().script("/flaky", "\"" + id + "\"", Response.of(500));
        send(id, "flaky");
    }

    static void awaitDead(String... eventIds) {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            List<String> dead = new ArrayList<>();
            get("/api/dead-letters?subscription=flaky&limit=500").path("items").forEach(i -> dead.add(i.path("eventId").asText()));
            assertThat(dead).contains(eventIds);
        });
    }

    static long requests(String path, String eventId) {
        return env.receiver().requests(path).stream().filter(r -> Json.tree(r.bodyText()).path("id").asText().equals(eventId)).count();
    }

    @Test
    void aReplayedDeadLetterIsDeliveredOnceTheReceiverRecovers() throws Exception {
        sendToDie("R-1");
        awaitDead("R-1");
        JsonNode dl = get("/api/dead-letters?subscription=flaky").path("items").get(0);
        String deliveryId = dl.path("deliveryId").asText();
        assertThat(dl.path("reason").asText()).contains("500");

        HttpResponse<String> r = post("/api/dead-letters/" + deliveryId + "/replay", "");
        assertThat(r.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> requests("/flaky", "R-1") == 2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode d = get("/api/deliveries/" + deliveryId);
            assertThat(d.path("status").asText()).isEqualTo("succeeded");
            assertThat(d.path("attempts")).extracting(a -> a.path("outcome").asText()).containsExactly("dead", "succeeded");
            assertThat(d.path("attempts").get(0).path("statusCode").asInt()).isEqualTo(500);
            assertThat(d.path("attempts").get(0).path("responseExcerpt").asText()).isEqualTo("{\"status\":500}");
        });
        // Same webhook-id both times: the partner can tell it is the same message.
        assertThat(env.receiver().requests("/flaky").stream().filter(x -> x.bodyText().contains("R-1")).map(x -> x.header("webhook-id")).distinct())
                .hasSize(1);
        assertThat(post("/api/dead-letters/" + deliveryId + "/replay", "").statusCode()).as("replayed already").isEqualTo(409);
        assertThat(post("/api/dead-letters/msg_nope/replay", "").statusCode()).isEqualTo(404);
    }

    @Test
    void aReplayTakesTheDeadLetterOffHeraldDeadSoItsDepthTellsTheTruth() throws Exception {
        sendToDie("Q-1");
        awaitDead("Q-1");
        String deliveryId = Delivery.idFor("Q-1", "flaky");
        // A dead letter an older Herald left on herald.dead: its body names the delivery, no property does.
        JsonNode event = Json.tree("""
                {"specversion": "1.0", "id": "Q-OLD", "source": "urn:test", "type": "shop.order", "data": {"to": "steady"}}""");
        Delivery old = new Delivery(Delivery.idFor("Q-OLD", "steady"), "Q-OLD", "steady", 1, event);
        String oldDead = Json.string(new LogRecord.Dead(old.id(), "Q-OLD", "steady", "HTTP 500", System.currentTimeMillis(),
                Json.MAPPER.valueToTree(old)));
        env.herald().sendAsHerald("herald.log", oldDead, Map.of());
        env.herald().sendAsHerald("herald.dead", oldDead, Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/dead-letters?subscription=steady").path("items").size() == 1);
        assertThat(env.herald().browse("herald.dead")).anySatisfy(m -> assertThat(m.get("herald_delivery_id")).isEqualTo(deliveryId));

        assertThat(post("/api/dead-letters/" + deliveryId + "/replay", "").statusCode()).isEqualTo(202);
        assertThat(post("/api/dead-letters/" + old.id() + "/replay", "").statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(10)).until(() -> requests("/flaky", "Q-1") == 2 && requests("/steady", "Q-OLD") == 1);
        assertThat(env.herald().browse("herald.dead")).noneSatisfy(m -> assertThat(m.get("body")).contains(deliveryId))
                .noneSatisfy(m -> assertThat(m.get("body")).contains(old.id()));
        // The queue holds exactly the dead letters not replayed, and its depth metric says so.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            long notReplayed = (Long) env.herald().query("select count(*) as n from dead_letters where replayed_at is null").get(0).get("n");
            assertThat(env.herald().broker().messageCount("herald.dead")).isEqualTo(notReplayed);
            assertThat(ObservabilityTest.value(Http.get(env.herald().management("/observe/metrics")).body(), "herald_queue_depth",
                    "queue=\"herald.dead\"")).isEqualTo(notReplayed);
        });
    }

    @Test
    void bulkReplayByWindowReplaysExactlyTheMatchingOnesAndADryRunChangesNothing() throws Exception {
        sendToDie("W-1");
        sendToDie("W-2");
        awaitDead("W-1", "W-2");
        // Time itself: a cut between the two pairs' dead-letter times, with some milliseconds either side.
        Thread.sleep(100);
        Instant cut = Instant.now();
        Thread.sleep(100);
        sendToDie("W-3");
        sendToDie("W-4");
        awaitDead("W-3", "W-4");

        HttpResponse<String> dry = post("/api/dead-letters/replay", """
                {"subscription": "flaky", "from": "%s", "dryRun": true}""".formatted(cut));
        assertThat(dry.statusCode()).isEqualTo(200);
        assertThat(Json.tree(dry.body()).path("count").asInt()).isEqualTo(2);
        assertThat(Json.tree(dry.body()).path("dryRun").asBoolean()).isTrue();
        await("a dry run sends nothing").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> requests("/flaky", "W-3") + requests("/flaky", "W-4") == 2);
        assertThat(get("/api/dead-letters?subscription=flaky&from=" + cut).path("items")).hasSize(2);

        HttpResponse<String> real = post("/api/dead-letters/replay", """
                {"subscription": "flaky", "from": "%s"}""".formatted(cut));
        assertThat(Json.tree(real.body()).path("count").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> requests("/flaky", "W-3") == 2 && requests("/flaky", "W-4") == 2);
        await("outside the window: not replayed").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1))
                .until(() -> requests("/flaky", "W-1") == 1 && requests("/flaky", "W-2") == 1);
        assertThat(post("/api/dead-letters/replay", "{}").statusCode()).as("no filter at all is refused").isEqualTo(400);
    }

    @Test
    void eventsCanBeFoundAndReSentToOneSubscription() throws Exception {
        send("E-1", "steady");
        await().atMost(Duration.ofSeconds(10)).until(() -> requests("/steady", "E-1") == 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("/api/events/E-1").path("deliveries").get(0).path("status").asText()).isEqualTo("succeeded"));
        JsonNode e = get("/api/events/E-1");
        assertThat(e.path("type").asText()).isEqualTo("shop.order");
        assertThat(e.path("event").path("data").path("to").asText()).isEqualTo("steady");
        assertThat(get("/api/events?type=shop.order&source=urn:test&limit=500").path("items"))
                .anySatisfy(i -> assertThat(i.path("id").asText()).isEqualTo("E-1"));
        assertThat(get("/api/events?type=no.such.type").path("items")).isEmpty();
        assertThat(Http.get(env.herald().http("/api/events/nope"), "Authorization", "Bearer " + ADMIN_KEY).statusCode()).isEqualTo(404);
        assertThat(Http.get(env.herald().http("/api/events?from=yesterday"), "Authorization", "Bearer " + ADMIN_KEY).statusCode()).isEqualTo(400);

        HttpResponse<String> r = post("/api/events/E-1/resend", "{\"subscription\": \"steady\"}");
        assertThat(r.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> requests("/steady", "E-1") == 2);
        String deliveryId = Json.tree(r.body()).path("deliveryId").asText();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("/api/deliveries/" + deliveryId + "/attempts").path("items")).hasSize(2));
    }

    @Test
    void subscriptionsCanBeListedDisabledEnabledAndTested() throws Exception {
        JsonNode list = get("/api/subscriptions");
        assertThat(list.path("items")).extracting(s -> s.path("id").asText()).containsExactly("flaky", "steady");
        assertThat(list.path("items").get(1).path("url").asText()).isEqualTo(env.receiver().url("/steady"));
        assertThat(list.toString()).doesNotContain(env.herald().secret.substring(6, 20));

        assertThat(post("/api/subscriptions/steady/disable", "{\"reason\": \"partner maintenance\"}").statusCode()).isEqualTo(200);
        assertThat(get("/api/subscriptions/steady").path("state").asText()).isEqualTo("disabled");
        assertThat(get("/api/subscriptions/steady").path("disabledReason").asText()).isEqualTo("partner maintenance");
        assertThat(post("/api/subscriptions/steady/test", "").statusCode()).as("a disabled one cannot be tested").isEqualTo(409);
        assertThat(post("/api/subscriptions/steady/enable", "").statusCode()).isEqualTo(200);

        HttpResponse<String> test = post("/api/subscriptions/steady/test", "");
        assertThat(test.statusCode()).isEqualTo(202);
        String eventId = Json.tree(test.body()).path("eventId").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> requests("/steady", eventId) == 1);
        assertThat(env.receiver().requests("/steady").stream().map(x -> Json.tree(x.bodyText()))
                .filter(x -> x.path("id").asText().equals(eventId)).findFirst().orElseThrow().path("type").asText()).isEqualTo("herald.test");
        assertThat(post("/api/subscriptions/nope/test", "").statusCode()).isEqualTo(404);
    }

    @Test
    void enablingWithReplayDeliversWhatPiledUpWhileDisabled() throws Exception {
        assertThat(post("/api/subscriptions/steady/disable", "{\"reason\": \"maintenance\"}").statusCode()).isEqualTo(200);
        for (String id : new String[] {"P-1", "P-2", "P-3"}) send(id, "steady");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("/api/events?source=urn:test&limit=500").path("items").toString()).contains("P-1", "P-2", "P-3"));
        assertThat(requests("/steady", "P-1")).as("nothing while disabled").isZero();

        HttpResponse<String> r = post("/api/subscriptions/steady/enable", "{\"replay\": true}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Json.tree(r.body()).path("replayed").path("events").asInt()).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                requests("/steady", "P-1") == 1 && requests("/steady", "P-2") == 1 && requests("/steady", "P-3") == 1);
    }

    @Test
    void theOpenApiDocumentIsServedWithoutAKey() throws Exception {
        HttpResponse<String> r = Http.get(env.herald().http("/api/openapi.yaml"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/yaml");
        try (var in = AdminApiTest.class.getResourceAsStream("/herald/openapi.yaml")) {
            assertThat(r.body()).isEqualTo(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void everyAdminCallNeedsTheAdminKey() throws Exception {
        assertThat(Http.get(env.herald().http("/api/subscriptions")).statusCode()).isEqualTo(401);
        assertThat(Http.post(env.herald().http("/api/dead-letters/replay"), "application/json", "{\"subscription\": \"flaky\"}").statusCode())
                .isEqualTo(401);
    }
}
