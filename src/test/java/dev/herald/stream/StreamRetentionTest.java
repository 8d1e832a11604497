package dev.herald.stream;

import static dev.herald.support.StreamClient.eventIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.http.ApiKeys;
import dev.herald.support.Http;
import dev.herald.support.PartnerClient;
import dev.herald.support.Receiver;
import dev.herald.support.StreamClient;
import dev.herald.support.TestHerald;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Retention (compressed to seconds): what no consumer acknowledged becomes a dead letter with the
 * reason and can be replayed into the stream; a consumer whose position fell behind is told so
 * explicitly (410), by polling and by WebSocket, and resumes from the oldest kept event when it asks to.
 */
class StreamRetentionTest {

    static final String ADMIN_KEY = ApiKeys.newKey();

    @Test
    void expiredEventsBecomeDeadLettersAndAConsumerBehindIsTold() throws Exception {
        StreamClient.assumeInstalled();
        try (Receiver receiver = new Receiver();
             TestHerald herald = PartnerClient.herald(ADMIN_KEY, receiver, Map.of("herald.streams.retention", "3s",
                     "herald.streams.retention-check", "1s"))) {
            PartnerClient acme = PartnerClient.create(herald, ADMIN_KEY, "acme", null);
            String stream = acme.subscribe("{\"name\": \"feed\", \"stream\": {}, \"types\": [\"order.*\"]}").path("id").asText();
            for (int i = 1; i <= 5; i++) PartnerClient.sendOrder(herald, ADMIN_KEY, "R-" + i, "acme");
            String events = herald.http("/partner/v1/subscriptions/" + stream + "/events");
            await().atMost(Duration.ofSeconds(20)).until(() -> Json.tree(acme.get("/subscriptions/" + stream + "/events?consumer=probe").body())
                    .path("events").size() == 5);
            // "fast" takes the first three and commits them; "slow" takes one and commits it.
            List<JsonNode> three = StreamClient.run("poll", Map.of("url", events + "?consumer=fast&limit=3", "key", acme.key));
            commit(acme, stream, "fast", three.get(three.size() - 1).path("next").asText());
            List<JsonNode> one = StreamClient.run("poll", Map.of("url", events + "?consumer=slow&limit=1", "key", acme.key));
            commit(acme, stream, "slow", one.get(one.size() - 1).path("next").asText());

            // Retention removes all five; the two nobody acknowledged are dead letters with the reason.
            await().atMost(Duration.ofSeconds(20)).until(() -> herald.query("select count(*) as n from stream_events").get(0).get("n").equals(0L));
            List<Map<String, Object>> dead = herald.query("select event_id, reason from dead_letters where subscription_id = ?", stream);
            assertThat(dead).hasSize(2);
            assertThat(dead).allMatch(r -> r.get("reason").toString().contains("no consumer acknowledged it within the stream's retention window"));
            assertThat(herald.query("select status, count(*) as n from deliveries where subscription_id = ? group by status order by status", stream))
                    .containsExactly(Map.of("status", "dead", "n", 2L), Map.of("status", "succeeded", "n", 3L));

            // "slow" is behind: an explicit 410 with what happened and what to do, by polling and by WebSocket.
            List<JsonNode> behind = StreamClient.run("poll", Map.of("url", events + "?consumer=slow", "key", acme.key));
            assertThat(behind.get(0).path("status").asInt()).isEqualTo(410);
            assertThat(behind.get(0).path("body").path("detail").asText()).contains("behind its retention window").contains("4 event(s)")
                    .contains("after=earliest");
            List<JsonNode> fast = StreamClient.run("poll", Map.of("url", events + "?consumer=fast", "key", acme.key));
            assertThat(fast.get(0).path("body").path("detail").asText()).as("fast missed the two it never took").contains("2 event(s)");
            List<JsonNode> socket = StreamClient.run("ws", Map.of("url", herald.http("/partner/v1/subscriptions/" + stream + "/ws?consumer=slow")
                    .replaceFirst("^http", "ws"), "key", acme.key, "take", 1));
            assertThat(socket.get(0).path("status").asInt()).isEqualTo(410);
            // A consumer that shows up now starts at the oldest kept event: not behind.
            assertThat(StreamClient.run("poll", Map.of("url", events + "?consumer=late", "key", acme.key)).get(0).has("next")).isTrue();
            JsonNode view = Json.tree(acme.get("/subscriptions/" + stream + "/consumers").body());
            assertThat(view.path("consumers").findValues("name").stream().map(JsonNode::asText).toList()).contains("fast", "slow", "late");
            for (JsonNode c : view.path("consumers")) {
                // (probe read without committing: it is behind too)
                assertThat(c.path("behindRetention").asBoolean()).as(c.toString()).isEqualTo(!c.path("name").asText().equals("late"));
            }

            // Replayed, a dead letter is kept in the stream again; "slow" resumes from the oldest kept event.
            String deadDelivery = herald.query("select delivery_id from dead_letters where subscription_id = ?", stream).get(0)
                    .get("delivery_id").toString();
            HttpResponse<String> replay = acme.post("/dead-letters/" + deadDelivery + "/replay", "{}");
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(eventIds(StreamClient.run("poll",
                    Map.of("url", events + "?consumer=slow&after=earliest", "key", acme.key)))).hasSize(1));
            HttpResponse<String> metrics = Http.get(herald.management("/observe/metrics"));
            assertThat(metrics.body()).contains("herald_stream_events_expired_total{acknowledged=\"false\",subscription=\"" + stream + "\"} 2.0");
        }
    }

    private static void commit(PartnerClient partner, String stream, String consumer, String cursor) throws Exception {
        HttpResponse<String> r = partner.post("/subscriptions/" + stream + "/events/commit",
                "{\"consumer\": \"" + consumer + "\", \"cursor\": \"" + cursor + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
