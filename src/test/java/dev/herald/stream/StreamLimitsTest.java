package dev.herald.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.http.ApiKeys;
import dev.herald.support.PartnerClient;
import dev.herald.support.Receiver;
import dev.herald.support.StreamClient;
import dev.herald.support.TestHerald;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a partner's consumers may not do: open more connections than its limit (429, while another
 * partner still may), or hold a WebSocket open without ever sending a key (closed with 4401 after
 * the auth timeout).
 */
class StreamLimitsTest {

    static final String ADMIN_KEY = ApiKeys.newKey();

    @Test
    void connectionsBeyondThePartnersLimitAndSocketsWithoutAKeyAreRefused() throws Exception {
        StreamClient.assumeInstalled();
        try (Receiver receiver = new Receiver();
             TestHerald herald = PartnerClient.herald(ADMIN_KEY, receiver, Map.of("herald.streams.max-connections-per-partner", "2",
                     "herald.streams.auth-timeout", "1s"))) {
            PartnerClient greedy = PartnerClient.create(herald, ADMIN_KEY, "greedy", null);
            PartnerClient other = PartnerClient.create(herald, ADMIN_KEY, "other", null);
            greedy.subscribe("{\"name\": \"feed\", \"stream\": {}, \"types\": [\"order.*\"]}");
            other.subscribe("{\"name\": \"feed\", \"stream\": {}, \"types\": [\"order.*\"]}");

            // Two SSE connections held open: greedy's limit.
            HttpClient http = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<java.io.InputStream>>> open = new ArrayList<>();
            for (int i = 0; i < 2; i++) open.add(http.sendAsync(sse(herald, "greedy.feed", greedy.key, "c" + i), HttpResponse.BodyHandlers.ofInputStream()));
            for (var f : open) assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

            // A third, by WebSocket: 429, before the upgrade.
            List<JsonNode> third = StreamClient.run("ws", Map.of("url", herald.http("/partner/v1/subscriptions/greedy.feed/ws?consumer=c3")
                    .replaceFirst("^http", "ws"), "key", greedy.key, "take", 1));
            assertThat(third.get(0).path("status").asInt()).as(third.toString()).isEqualTo(429);
            assertThat(third.get(0).path("body").asText()).contains("max-connections-per-partner");
            // Another partner is not held back by greedy's connections.
            HttpResponse<java.io.InputStream> others = http.sendAsync(sse(herald, "other.feed", other.key, "c"),
                    HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS);
            assertThat(others.statusCode()).isEqualTo(200);
            // One of greedy's closes: its place is free again.
            open.get(0).get().body().close();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                HttpResponse<java.io.InputStream> again = http.send(sse(herald, "greedy.feed", greedy.key, "again"),
                        HttpResponse.BodyHandlers.ofInputStream());
                again.body().close();
                assertThat(again.statusCode()).isEqualTo(200);
            });

            // A WebSocket that never sends its key is closed after the auth timeout, having been sent nothing.
            List<JsonNode> silent = StreamClient.run("ws", Map.of("url", herald.http("/partner/v1/subscriptions/other.feed/ws")
                    .replaceFirst("^http", "ws"), "key", "", "keyInMessage", true, "silent", true, "take", 1, "timeoutMs", 10_000));
            assertThat(silent).noneMatch(n -> n.has("hello") || n.has("eventId"));
            assertThat(silent.get(silent.size() - 1).path("closed").asInt()).as(silent.toString()).isEqualTo(4401);
        }
    }

    private static HttpRequest sse(TestHerald herald, String stream, String key, String consumer) {
        return HttpRequest.newBuilder(URI.create(herald.http("/partner/v1/subscriptions/" + stream + "/events/stream?consumer=" + consumer)))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30)).build();
    }
}
