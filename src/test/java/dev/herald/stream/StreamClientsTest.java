package dev.herald.stream;

import static dev.herald.support.StreamClient.cursors;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A partner's stream taken by clients nobody on the team wrote (npm ws and eventsource, Node's
 * fetch): WebSocket with acks, a dropped connection and the resume; SSE with Last-Event-ID;
 * polling, commit and long poll; a consumer group of two; another partner refused.
 */
class StreamClientsTest {

    static final String ADMIN_KEY = ApiKeys.newKey();
    static Receiver receiver;
    static TestHerald herald;
    static PartnerClient acme;
    static PartnerClient other;
    static String stream;
    static String group;
    static List<String> feed;

    @BeforeAll
    static void start() throws Exception {
        StreamClient.assumeInstalled();
        receiver = new Receiver();
        herald = PartnerClient.herald(ADMIN_KEY, receiver, Map.of());
        acme = PartnerClient.create(herald, ADMIN_KEY, "acme", null);
        other = PartnerClient.create(herald, ADMIN_KEY, "other", null);
        JsonNode made = acme.subscribe("{\"name\": \"feed\", \"stream\": {}, \"types\": [\"order.*\"]}");
        assertThat(made.has("secret")).as("a stream is not signed: no secret").isFalse();
        stream = made.path("id").asText();
        group = acme.subscribe("{\"name\": \"workers\", \"stream\": {\"mode\": \"group\"}, \"types\": [\"order.*\"]}").path("id").asText();
        other.subscribe("{\"name\": \"theirs\", \"stream\": {}, \"types\": [\"order.*\"]}");
        for (int i = 1; i <= 10; i++) PartnerClient.sendOrder(herald, ADMIN_KEY, "ev-" + i, "acme");
        await().atMost(Duration.ofSeconds(30)).until(() -> count(stream) == 10 && count(group) == 10);
        // The stream's order is the order Herald kept them in (concurrent deliveries: not always the order sent).
        feed = herald.query("select event_id from stream_events where subscription_id = ? order by seq", stream).stream()
                .map(r -> (String) r.get("event_id")).toList();
        assertThat(feed).containsExactlyInAnyOrderElementsOf(ids(1, 10));
    }

    /** The feed's events {@code from} to {@code to} (1-based, inclusive), in the stream's order. */
    static List<String> feed(int from, int to) {
        return feed.subList(from - 1, to);
    }

    @AfterAll
    static void stop() throws Exception {
        if (herald != null) herald.close();
        if (receiver != null) receiver.close();
    }

    static long count(String subscription) throws Exception {
        return ((Number) herald.query("select count(*) as n from stream_events where subscription_id = ?", subscription).get(0).get("n"))
                .longValue();
    }

    static String url(String scheme, String subscription, String path) {
        return herald.http("/partner/v1/subscriptions/" + subscription + path).replaceFirst("^http", scheme);
    }

    static List<String> ids(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "ev-" + i).toList();
    }

    @Test
    void webSocketResumesAfterItsLastAcknowledgementWithNothingLostOrSkipped() throws Exception {
        String ws = url("ws", stream, "/ws?consumer=phone");
        // Takes 6, acknowledges the 4th (and so the 3 before it), then drops the connection.
        List<JsonNode> first = StreamClient.run("ws", Map.of("url", ws, "key", acme.key, "take", 6, "ack", 4));
        assertThat(eventIds(first)).isEqualTo(feed(1, 6));
        assertThat(first).anyMatch(n -> n.path("acked").asText().equals(cursors(first).get(3)));
        // The 5th and 6th were never acknowledged: they come again, first, with the same delivery ids.
        List<JsonNode> again = StreamClient.run("ws", Map.of("url", ws, "key", acme.key, "take", 6));
        assertThat(eventIds(again)).isEqualTo(feed(5, 10));
        assertThat(again.stream().filter(n -> n.has("deliveryId")).limit(2).map(n -> n.get("deliveryId").asText()).toList())
                .isEqualTo(first.stream().filter(n -> n.has("deliveryId")).skip(4).map(n -> n.get("deliveryId").asText()).toList());
        // Every hand-over is an attempt, with its consumer and (these) its acknowledgement.
        // (The first connection was handed all there were before it dropped, the second the rest again.)
        List<Map<String, Object>> handOvers = herald.query("select a.acked_at from attempts a join deliveries d on d.id = a.delivery_id"
                + " where d.subscription_id = ? and a.consumer = 'phone' and a.outcome = 'streamed' and d.event_id in (" + quoted(feed(1, 10))
                + ")", stream);
        assertThat(handOvers).hasSizeGreaterThanOrEqualTo(12).allMatch(r -> r.get("acked_at") != null);
        // The partner sees them as the delivery's attempts: kept, then handed to phone and acknowledged.
        JsonNode delivery = Json.tree(acme.get("/deliveries/" + again.stream().filter(n -> n.has("deliveryId")).findFirst().orElseThrow()
                .get("deliveryId").asText()).body());
        assertThat(delivery.path("status").asText()).isEqualTo("succeeded");
        assertThat(delivery.path("attempts").findValues("consumer").stream().map(JsonNode::asText).toList()).contains("phone");
        assertThat(delivery.path("attempts").findValues("ackedAt").stream().filter(JsonNode::isTextual).count()).isGreaterThanOrEqualTo(1);
        assertThat(herald.query("select status, count(*) as n from deliveries where subscription_id = ? and event_id in ("
                + quoted(ids(1, 10)) + ") group by status", stream))
                .containsExactly(Map.of("status", "succeeded", "n", 10L));
        // The key may come as the first message instead (a browser cannot set headers on a WebSocket).
        List<JsonNode> keyed = StreamClient.run("ws", Map.of("url", url("ws", stream, "/ws?consumer=browser"), "key", acme.key,
                "keyInMessage", true, "take", 1));
        assertThat(eventIds(keyed)).isEqualTo(feed(1, 1));
    }

    @Test
    void serverSentEventsResumeWithLastEventId() throws Exception {
        String sse = url("http", stream, "/events/stream?consumer=dashboard");
        List<JsonNode> all = StreamClient.run("sse", Map.of("url", sse, "key", acme.key, "take", 10));
        assertThat(eventIds(all)).isEqualTo(feed(1, 10));
        assertThat(all).noneMatch(n -> n.has("mismatch"));
        List<JsonNode> resumed = StreamClient.run("sse", Map.of("url", sse, "key", acme.key, "take", 3, "lastEventId", cursors(all).get(6)));
        assertThat(eventIds(resumed)).isEqualTo(feed(8, 10));
        // Resuming with Last-Event-ID committed the position: the consumer's lag is what came after it.
        JsonNode view = Json.tree(acme.get("/subscriptions/" + stream + "/consumers").body());
        JsonNode dashboard = find(view.path("consumers"), "dashboard");
        assertThat(dashboard.path("cursor").asText()).isEqualTo(cursors(all).get(6));
        assertThat(dashboard.path("lag").asLong()).isEqualTo(3);
        assertThat(dashboard.path("transport").asText()).isEqualTo("sse");
        // With curl, as a shell script would (headers, the id: line, the keep-alive comment are plain text).
        Process curl = new ProcessBuilder("curl", "-sN", "--max-time", "3", "-H", "Authorization: Bearer " + acme.key,
                "-H", "Last-Event-ID: " + cursors(all).get(8), sse).start();
        String text = new String(curl.getInputStream().readAllBytes());
        assertThat(text).contains("id: " + cursors(all).get(9) + "\ndata: {\"cursor\":\"" + cursors(all).get(9) + "\"")
                .contains("\"" + feed.get(9) + "\"").doesNotContain("\"" + feed.get(8) + "\"");
    }

    @Test
    void pollingPagesCommitsAndLongPolls() throws Exception {
        String base = url("http", stream, "/events?consumer=batch&limit=4");
        List<JsonNode> page = StreamClient.run("poll", Map.of("url", base, "key", acme.key));
        assertThat(eventIds(page)).isEqualTo(feed(1, 4));
        // Reading commits nothing: the same page again.
        assertThat(eventIds(StreamClient.run("poll", Map.of("url", base, "key", acme.key)))).isEqualTo(feed(1, 4));
        String next = page.get(page.size() - 1).path("next").asText();
        HttpResponse<String> commit = acme.post("/subscriptions/" + stream + "/events/commit",
                "{\"consumer\": \"batch\", \"cursor\": \"" + next + "\"}");
        assertThat(commit.statusCode()).as(commit.body()).isEqualTo(200);
        assertThat(eventIds(StreamClient.run("poll", Map.of("url", base, "key", acme.key)))).isEqualTo(feed(5, 8));
        // A page after a cursor, whatever is committed.
        assertThat(eventIds(StreamClient.run("poll", Map.of("url", base + "&after=" + cursors(page).get(1), "key", acme.key))))
                .isEqualTo(feed(3, 6));
        // A long poll at the head answers when the next event comes, not before, not at the end of its wait.
        StreamClient waiting = StreamClient.start("poll", Map.of("url", base + "&after=latest&wait=20s", "key", acme.key));
        Thread.sleep(1500);
        PartnerClient.sendOrder(herald, ADMIN_KEY, "ev-late", "acme");
        List<JsonNode> late = waiting.lines();
        assertThat(eventIds(late)).containsExactly("ev-late");
        assertThat(late.get(late.size() - 1).path("waitedMs").asLong()).isBetween(1000L, 15_000L);
        // A cursor that is not this stream's is refused with a reason.
        List<JsonNode> wrong = StreamClient.run("poll", Map.of("url", herald.http("/api/subscriptions/other.theirs/events?after=" + next),
                "key", ADMIN_KEY));
        assertThat(wrong.get(0).path("status").asInt()).isEqualTo(400);
        assertThat(wrong.get(0).path("body").path("detail").asText()).contains("belongs to another subscription");
    }

    @Test
    void twoConsumersOfAGroupShareTheEventsNeverBothTakingOne() throws Exception {
        String ws = url("ws", group, "/ws");
        List<StreamClient> two = List.of(StreamClient.start("ws", Map.of("url", ws + "?consumer=w1", "key", acme.key, "idleMs", 4000)),
                StreamClient.start("ws", Map.of("url", ws + "?consumer=w2", "key", acme.key, "idleMs", 4000)));
        for (int i = 11; i <= 40; i++) PartnerClient.sendOrder(herald, ADMIN_KEY, "ev-" + i, "acme");
        List<List<String>> taken = new ArrayList<>();
        for (StreamClient c : two) taken.add(eventIds(c.lines()));
        Set<String> union = new HashSet<>(taken.get(0));
        union.addAll(taken.get(1));
        // ev-late of the polling test may be there too, whichever test ran first.
        assertThat(union).containsAll(ids(1, 40));
        assertThat(taken.get(0)).doesNotContainAnyElementsOf(taken.get(1));
        assertThat(taken.get(0).size() + taken.get(1).size()).isEqualTo(union.size());
        assertThat(taken.get(0)).isNotEmpty();
        assertThat(taken.get(1)).isNotEmpty();
        assertThat(herald.query("select count(*) as n from stream_events where subscription_id = ? and acked_at is null", group).get(0).get("n"))
                .isEqualTo(0L);
    }

    @Test
    void aPartnerCannotOpenAnotherPartnersStream() throws Exception {
        for (String mode : List.of("ws", "sse", "poll")) {
            String u = mode.equals("ws") ? url("ws", stream, "/ws") : url("http", stream, mode.equals("sse") ? "/events/stream" : "/events");
            List<JsonNode> refused = StreamClient.run(mode, Map.of("url", u, "key", other.key, "take", 1));
            assertThat(refused).as(mode).hasSize(1);
            assertThat(refused.get(0).path("status").asInt()).as(mode + ": " + refused).isEqualTo(404);
            List<JsonNode> nobody = StreamClient.run(mode, Map.of("url", u, "key", "not-a-key", "take", 1));
            assertThat(nobody.get(0).path("status").asInt()).as(mode + ": " + nobody).isEqualTo(401);
        }
        HttpResponse<String> commit = other.post("/subscriptions/" + stream + "/events/commit", "{\"cursor\": \"x\"}");
        assertThat(commit.statusCode()).isEqualTo(404);
        assertThat(other.get("/subscriptions/" + stream + "/consumers").statusCode()).isEqualTo(404);
        // An admin key takes any stream under /api.
        HttpResponse<String> admin = Http.get(herald.http("/api/subscriptions/" + stream + "/events?limit=1&consumer=ops"),
                "Authorization", "Bearer " + ADMIN_KEY);
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
        // A webhook subscription is not a stream.
        String hook = acme.subscribe("{\"name\": \"hook\", \"url\": \"" + receiver.url("/h") + "\", \"types\": [\"order.*\"]}").path("id").asText();
        assertThat(acme.get("/subscriptions/" + hook + "/events").statusCode()).isEqualTo(409);
    }

    private static String quoted(List<String> ids) {
        return String.join(", ", ids.stream().map(i -> "'" + i + "'").toList());
    }

    private static JsonNode find(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (n.path("name").asText().equals(name)) return n;
        }
        throw new AssertionError("no consumer " + name + " in " + list);
    }
}
