package dev.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.Http;
import dev.herald.support.HeraldExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /events from a real HTTP client: every status code, idempotency, batches. */
class IngestApiTest {

    static final String INGEST_KEY = ApiKeys.newKey();
    static final String ADMIN_KEY = ApiKeys.newKey();

    @RegisterExtension
    static final HeraldExtension env = new HeraldExtension(receiver -> """
                subscriptions:
                  - id: all
                    types: ["*"]
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                """.formatted(receiver.url("/all")),
            Map.of(
                "herald.http.ingest-keys", "shop:" + ApiKeys.hash(INGEST_KEY),
                "herald.http.admin-keys", "ops:" + ApiKeys.hash(ADMIN_KEY),
                "herald.http.idempotency-window", "3s",
                "herald.accept.max-event-bytes", "2048"));

    static String event(String id, String type) {
        return """
                {"specversion": "1.0", "id": "%s", "source": "urn:test", "type": "%s", "data": {"n": 1}}""".formatted(id, type);
    }

    static HttpResponse<String> post(String contentType, String body, String... headers) throws Exception {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + INGEST_KEY;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return Http.post(env.herald().http("/events"), contentType, body, all);
    }

    static void awaitDelivered(String eventId) {
        await().atMost(Duration.ofSeconds(15)).until(() -> delivered(eventId) > 0);
    }

    static long delivered(String eventId) {
        return env.receiver().requests("/all").stream().filter(r -> Json.tree(r.bodyText()).path("id").asText().equals(eventId)).count();
    }

    @Test
    void aStructuredEventIsAcceptedAndDelivered() throws Exception {
        HttpResponse<String> r = post("application/cloudevents+json", event("http-1", "signup.completed"));
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(Json.tree(r.body()).path("id").asText()).isEqualTo("http-1");
        // 202 means it is on herald.events already: it is delivered without anything else.
        awaitDelivered("http-1");
    }

    @Test
    void binaryModeTakesTheAttributesFromCeHeaders() throws Exception {
        HttpResponse<String> r = post("application/json", "{\"email\": \"a@example.com\"}",
                "ce-specversion", "1.0", "ce-type", "signup.completed", "ce-id", "bin-1", "ce-source", "urn:signup");
        assertThat(r.statusCode()).isEqualTo(202);
        awaitDelivered("bin-1");
        JsonNode e = env.receiver().requests("/all").stream().map(x -> Json.tree(x.bodyText()))
                .filter(x -> x.path("id").asText().equals("bin-1")).findFirst().orElseThrow();
        assertThat(e.path("source").asText()).isEqualTo("urn:signup");
        assertThat(e.path("data").path("email").asText()).isEqualTo("a@example.com");
    }

    @Test
    void badInputIsAnswered400WithTheReasonAndKept() throws Exception {
        HttpResponse<String> r = post("application/json", "{\"specversion\": \"1.0\", \"id\": \"no-type-1\", \"source\": \"urn:t\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(Json.tree(r.body()).path("detail").asText()).contains("\"type\"");
        // This input, kept as sent, with its reason (other tests of this class reject input too).
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(env.herald().browse("herald.rejected"))
                .anySatisfy(m -> {
                    assertThat(m.get("body")).contains("no-type-1");
                    assertThat(m.get("herald_route")).isEqualTo("http-ingest");
                    assertThat(m.get("herald_reason")).contains("\"type\"");
                }));

        HttpResponse<String> notJson = post("application/json", "{\"unclosed\": ");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(Json.tree(notJson.body()).path("detail").asText()).contains("not valid JSON");
    }

    @Test
    void withoutAValidKeyItIs401() throws Exception {
        HttpResponse<String> none = Http.post(env.herald().http("/events"), "application/json", event("k-1", "signup.completed"));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(Json.tree(none.body()).path("detail").asText()).contains("Authorization: Bearer");
        HttpResponse<String> wrong = Http.post(env.herald().http("/events"), "application/json", event("k-2", "signup.completed"),
                "Authorization", "Bearer " + ApiKeys.newKey());
        assertThat(wrong.statusCode()).isEqualTo(401);
        // An admin key may ingest too.
        assertThat(Http.post(env.herald().http("/events"), "application/json", event("k-3", "signup.completed"),
                "Authorization", "Bearer " + ADMIN_KEY).statusCode()).isEqualTo(202);
        // An ingest key may not call the admin API.
        assertThat(Http.get(env.herald().http("/api/events"), "Authorization", "Bearer " + INGEST_KEY).statusCode()).isEqualTo(401);
    }

    @Test
    void overTheSizeLimitIs413() throws Exception {
        String big = event("big-1", "signup.completed").replace("{\"n\": 1}", "{\"pad\": \"" + "x".repeat(3000) + "\"}");
        HttpResponse<String> r = post("application/cloudevents+json", big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(Json.tree(r.body()).path("detail").asText()).contains("limit is 2048");
    }

    @Test
    void anotherMediaTypeIs415() throws Exception {
        HttpResponse<String> r = post("text/plain", "hello");
        assertThat(r.statusCode()).isEqualTo(415);
        assertThat(Json.tree(r.body()).path("detail").asText()).contains("application/cloudevents+json");
    }

    /** A refused request accepted nothing: its key is free for the corrected request, not reserved for 24 h. */
    @Test
    void aKeyFirstUsedOnARefusedRequestServesTheCorrectedOne() throws Exception {
        String key = "fix-" + System.nanoTime();
        HttpResponse<String> wrong = post("application/cloudevents+json",
                "{\"specversion\": \"1.0\", \"id\": 12345, \"source\": \"urn:t\", \"type\": \"signup.completed\"}", "Idempotency-Key", key);
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        HttpResponse<String> fixed = post("application/cloudevents+json", event("fixed-12345", "signup.completed"), "Idempotency-Key", key);
        assertThat(fixed.statusCode()).as(fixed.body()).isEqualTo(202);
        HttpResponse<String> again = post("application/cloudevents+json", event("fixed-12345", "signup.completed"), "Idempotency-Key", key);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
    }

    @Test
    void theSameIdempotencyKeyGetsTheFirstAnswerWithinTheWindow() throws Exception {
        // No id in binary mode: each accepted request would make a new event.
        String[] headers = {"ce-type", "signup.completed", "ce-source", "urn:idem", "Idempotency-Key", "req-1"};
        HttpResponse<String> first = post("application/json", "{\"who\": \"idem\"}", headers);
        assertThat(first.statusCode()).isEqualTo(202);
        HttpResponse<String> again = post("application/json", "{\"who\": \"idem\"}", headers);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        String id = Json.tree(first.body()).path("id").asText();
        awaitDelivered(id);

        HttpResponse<String> otherBody = post("application/json", "{\"who\": \"someone else\"}", headers);
        assertThat(otherBody.statusCode()).isEqualTo(422);

        Thread.sleep(3_200); // time itself: past the 3 s window the key is free again, a new event is made
        HttpResponse<String> later = post("application/json", "{\"who\": \"idem\"}", headers);
        assertThat(later.statusCode()).isEqualTo(202);
        assertThat(Json.tree(later.body()).path("id").asText()).isNotEqualTo(id);
        awaitDelivered(Json.tree(later.body()).path("id").asText());
        assertThat(env.receiver().requests("/all").stream().filter(r -> r.bodyText().contains("\"who\":\"idem\""))).hasSize(2);
    }

    @Test
    void aBatchAcceptsTheGoodEventsAndRejectsTheBadOneWithItsReason() throws Exception {
        String batch = "[" + event("b-1", "signup.completed") + ", {\"specversion\": \"1.0\", \"id\": \"b-2\", \"source\": \"urn:t\","
                + " \"type\": \"bad type!\"}, " + event("b-3", "signup.completed") + "]";
        HttpResponse<String> r = post("application/cloudevents-batch+json", batch);
        assertThat(r.statusCode()).isEqualTo(207);
        JsonNode body = Json.tree(r.body());
        assertThat(body.path("accepted").asInt()).isEqualTo(2);
        assertThat(body.path("rejected").asInt()).isEqualTo(1);
        assertThat(body.path("results").get(1).path("status").asInt()).isEqualTo(400);
        assertThat(body.path("results").get(1).path("detail").asText()).contains("'bad type!' is not valid");
        awaitDelivered("b-1");
        awaitDelivered("b-3");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(env.herald().browse("herald.rejected"))
                .anySatisfy(m -> assertThat(m.get("herald_reason")).startsWith("batch item 1:")));

        HttpResponse<String> allGood = post("application/cloudevents-batch+json", "[" + event("b-4", "signup.completed") + "]");
        assertThat(allGood.statusCode()).isEqualTo(202);
        HttpResponse<String> notArray = post("application/cloudevents-batch+json", event("b-5", "signup.completed"));
        assertThat(notArray.statusCode()).isEqualTo(400);
        assertThat(Json.tree(notArray.body()).path("detail").asText()).contains("JSON array");
    }

    /**
     * Requests served at the same time share broker commits (group commit): fewer commits than
     * requests, every request answered 202 only once its event is committed, every event delivered once.
     */
    @Test
    void concurrentRequestsShareCommitsAndEachEventIsDeliveredOnce() throws Exception {
        double before = commits();
        int clients = 16, each = 8;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CyclicBarrier together = new CyclicBarrier(clients);
        try {
            List<Future<List<Integer>>> answers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                answers.add(pool.submit(() -> {
                    together.await();
                    List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        statuses.add(post("application/cloudevents+json", event("group-" + client + "-" + i, "signup.completed")).statusCode());
                    }
                    return statuses;
                }));
            }
            for (var a : answers) assertThat(a.get(60, TimeUnit.SECONDS)).containsOnly(202);
        } finally {
            pool.shutdownNow();
        }
        double used = commits() - before;
        assertThat(used).as("broker commits for " + clients * each + " requests").isGreaterThanOrEqualTo(1).isLessThan(clients * each);
        await().atMost(Duration.ofSeconds(30)).until(() -> env.receiver().requests("/all").stream()
                .filter(r -> r.bodyText().contains("\"group-")).count() >= clients * each
                && env.herald().broker().messageCount("herald.events") == 0 && env.herald().broker().messageCount("herald.deliveries") == 0);
        for (int c = 0; c < clients; c++) {
            for (int i = 0; i < each; i++) assertThat(delivered("group-" + c + "-" + i)).as("group-" + c + "-" + i).isEqualTo(1);
        }
    }

    /** herald_ingest_commits_total for POST /events (0 before the first). */
    static double commits() throws Exception {
        String text = Http.get(env.herald().management("/observe/metrics")).body();
        Matcher m = Pattern.compile("(?m)^herald_ingest_commits_total\\{ingress=\"http\",?\\} ([0-9.eE+-]+)$")
                .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
