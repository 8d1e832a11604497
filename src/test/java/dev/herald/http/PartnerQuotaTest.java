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
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A partner's quota on waiting deliveries: with its endpoint down and its quota reached, its new
 * deliveries are refused at dispatch as dead letters that say why, what it asks to send is refused
 * with 429, another partner's deliveries go on, and the platform raises the quota with PATCH.
 */
class PartnerQuotaTest {

    static final String ADMIN_KEY = ApiKeys.newKey();
    static final int QUOTA = 5;
    static final int SENT = 12;
    static Receiver receiver;
    static TestHerald herald;
    static PartnerClient flood;
    static PartnerClient calm;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
        // The store's count is read once (this interval outlasts the test), so exactly QUOTA pass.
        herald = PartnerClient.herald(ADMIN_KEY, receiver, Map.of("herald.partners.queued-check-interval", "1h"));
        flood = PartnerClient.create(herald, ADMIN_KEY, "flood", "{\"maxQueued\": " + QUOTA + "}");
        calm = PartnerClient.create(herald, ADMIN_KEY, "calm", null);
        receiver.script("/down", IntStream.range(0, 100).mapToObj(i -> Receiver.Response.of(503)).toArray(Receiver.Response[]::new));
        flood.subscribe("{\"name\": \"down\", \"url\": \"" + receiver.url("/down") + "\", \"types\": [\"order.*\"], \"retry\": [\"0s\", \"1h\"]}");
        calm.subscribe("{\"name\": \"up\", \"url\": \"" + receiver.url("/up") + "\", \"types\": [\"order.*\"]}");
        for (int i = 0; i < SENT; i++) {
            send("flood-" + i, "flood");
            send("calm-" + i, "calm");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> PartnerViewTest.items(flood.get("/dead-letters")).size() == SENT - QUOTA);
    }

    static void send(String id, String partner) throws Exception {
        PartnerClient.sendOrder(herald, ADMIN_KEY, id, partner);
    }

    @AfterAll
    static void stop() throws Exception {
        if (herald != null) herald.close();
        receiver.close();
    }

    @Test
    void beyondItsQuotaAPartnersNewDeliveriesAreDeadLettersThatSayWhy() throws Exception {
        JsonNode dead = PartnerViewTest.items(flood.get("/dead-letters?limit=100"));
        assertThat(dead).hasSize(SENT - QUOTA);
        for (JsonNode d : dead) {
            assertThat(d.path("reason").asText()).contains("partner flood has " + QUOTA + " deliveries waiting")
                    .contains("limits.maxQueued) is " + QUOTA);
        }
        // Refused unattempted: one recorded attempt with the reason, and no call.
        JsonNode one = Json.tree(flood.get("/deliveries/" + dead.get(0).path("deliveryId").asText()).body());
        assertThat(one.path("status").asText()).isEqualTo("dead");
        assertThat(one.path("attempts")).hasSize(1);
        assertThat(one.path("attempts").get(0).path("error").asText()).contains("refused at dispatch");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(receiver.requests("/down")).hasSize(QUOTA));
        String m = Http.get(herald.management("/observe/metrics")).body();
        assertThat(ObservabilityTest.value(m, "herald_deliveries_refused_total", "reason=\"partner-queue-quota\",subscription=\"flood.down\""))
                .isEqualTo(SENT - QUOTA);
    }

    @Test
    void anotherPartnerIsNotHeldBack() throws Exception {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(receiver.requests("/up")).hasSize(SENT));
        assertThat(PartnerViewTest.items(calm.get("/dead-letters"))).isEmpty();
    }

    @Test
    void atItsQuotaWhatAPartnerAsksToSendIs429UntilThePlatformRaisesIt() throws Exception {
        String dead = PartnerViewTest.items(flood.get("/dead-letters")).get(0).path("deliveryId").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> flood.post("/subscriptions/flood.down/test", "{}").statusCode() == 429);
        HttpResponse<String> replay = flood.post("/dead-letters/" + dead + "/replay", "{}");
        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(429);
        assertThat(replay.body()).contains("your quota (limits.maxQueued) is " + QUOTA);

        // Only an admin changes limits; each checked, the rest kept.
        assertThat(Http.patch(herald.http("/api/partners/flood"), "{\"limits\": {\"maxQueued\": 100}}", "Authorization", "Bearer " + flood.key)
                .statusCode()).isIn(401, 403);
        HttpResponse<String> bad = admin("{\"limits\": {\"maxQueued\": 0}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("limits.maxQueued must be a whole number from 1 to 10000000");
        assertThat(admin("{\"limits\": {\"maxQueue\": 10}}").body()).contains("limits has no 'maxQueue'");
        assertThat(admin("{\"colour\": \"red\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> raised = admin("{\"limits\": {\"maxQueued\": 100}}");
        assertThat(raised.statusCode()).as(raised.body()).isEqualTo(200);
        JsonNode limits = Json.tree(raised.body()).path("limits");
        assertThat(limits.path("maxQueued").asInt()).isEqualTo(100);
        assertThat(limits.path("maxSubscriptions").asInt()).isEqualTo(10);
        assertThat(Json.tree(flood.get("/partner").body()).path("limits").path("maxQueued").asInt()).isEqualTo(100);

        HttpResponse<String> again = flood.post("/dead-letters/" + dead + "/replay", "{}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        assertThat(flood.post("/subscriptions/flood.down/test", "{}").statusCode()).isEqualTo(202);
    }

    @Test
    void aPartnersRateQuotaIsSharedByAllItsSubscriptions() throws Exception {
        PartnerClient busy = PartnerClient.create(herald, ADMIN_KEY, "busy", "{\"maxRatePerSecond\": 10}");
        for (String name : new String[] {"b1", "b2", "b3"}) {
            busy.subscribe("{\"name\": \"" + name + "\", \"url\": \"" + receiver.url("/" + name) + "\", \"types\": [\"order.*\"]}");
        }
        int events = 20;
        for (int i = 0; i < events; i++) send("busy-" + i, "busy");
        int n = 3 * events;
        // Each subscription may take 10/s; together they may take 10/s too, not 30 (from the attempt log:
        // the times Herald let each attempt go).
        List<Long> sent = await().atMost(Duration.ofSeconds(30)).until(() -> herald.query("select a.started_at from attempts a"
                + " join deliveries d on d.id = a.delivery_id where d.subscription_id like 'busy.%' order by a.started_at").stream()
                .map(r -> ((java.sql.Timestamp) r.get("started_at")).getTime()).toList(), l -> l.size() == n);
        for (int i = 0; i + 10 < n; i++) {
            assertThat(sent.get(i + 10) - sent.get(i)).as("attempts %d to %d of the partner's went within one second", i, i + 10)
                    .isGreaterThanOrEqualTo(1000);
        }
        System.out.printf("a partner's rate quota of 10/s over 3 subscriptions: %d deliveries in %d ms%n", n, sent.get(n - 1) - sent.get(0));
    }

    static HttpResponse<String> admin(String body) throws Exception {
        return Http.patch(herald.http("/api/partners/flood"), body, "Authorization", "Bearer " + ADMIN_KEY);
    }
}
