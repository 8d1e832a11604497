package dev.herald.chaos;

import static dev.herald.support.StreamClient.eventIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.Http;
import dev.herald.support.HeraldProcess;
import dev.herald.support.StreamClient;
import dev.herald.support.TestHerald;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Herald killed with SIGKILL while a WebSocket consumer (npm ws) takes and acknowledges its stream
 * and events are still being accepted; restarted, the consumer resumes: no event it was told was
 * acknowledged comes again, and every accepted event reaches it.
 */
class StreamKillTest {

    @TempDir
    Path dir;

    @Test
    void aKillNineMidStreamLosesNoEventAndNoAcknowledgedProgress() throws Exception {
        StreamClient.assumeInstalled();
        Files.writeString(dir.resolve("subscriptions.yaml"), """
                subscriptions:
                  - id: feed
                    types: ["order.*"]
                    channel: stream
                """);
        int http = TestHerald.freePort();
        Map<String, String> settings = Map.of("herald.data.dir", dir.resolve("data").toString(),
                "herald.broker.port", Integer.toString(TestHerald.freePort()), "herald.http.port", Integer.toString(http),
                "herald.subscriptions.file", dir.resolve("subscriptions.yaml").toString());
        String ws = "ws://127.0.0.1:" + http + "/api/subscriptions/feed/ws?consumer=app";
        List<String> accepted = new ArrayList<>();

        HeraldProcess herald = HeraldProcess.start(settings, Map.of(), dir.resolve("herald-1.log"));
        try {
            // Takes and acknowledges each event as it comes; events keep coming (about 100 a second,
            // from another thread) when Herald dies under it.
            StreamClient before = StreamClient.start("ws", Map.of("url", ws, "key", "local", "idleMs", 60_000, "timeoutMs", 60_000));
            List<String> acceptedBefore = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread poster = new Thread(() -> {
                for (int i = 1; i <= 400; i++) {
                    try {
                        if (post(http, "K-" + i)) acceptedBefore.add("K-" + i);
                        Thread.sleep(10);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            poster.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> acked(before) >= 40);
            herald.kill();
            poster.join(30_000);
            accepted.addAll(acceptedBefore);
            List<JsonNode> first = before.lines();
            assertThat(first.get(first.size() - 1).has("closed")).as("the connection died with Herald").isTrue();
            List<String> took = eventIds(first);
            String lastAcked = first.stream().filter(n -> n.has("acked")).reduce((a, b) -> b).orElseThrow().get("acked").asText();
            int confirmed = StreamClient.cursors(first).indexOf(lastAcked) + 1;
            List<String> acknowledged = took.subList(0, confirmed);

            herald = HeraldProcess.start(settings, Map.of(), dir.resolve("herald-2.log"));
            for (int i = 1001; i <= 1020; i++) {
                if (post(http, "K-" + i)) accepted.add("K-" + i);
            }
            List<JsonNode> after = StreamClient.run("ws", Map.of("url", ws, "key", "local", "idleMs", 5000, "timeoutMs", 60_000));
            List<String> resumed = eventIds(after);
            System.out.printf("stream kill -9: %d accepted, %d taken before (%d acknowledged and confirmed), %d after the restart%n",
                    accepted.size(), took.size(), acknowledged.size(), resumed.size());
            assertThat(resumed).as("nothing confirmed as acknowledged comes again").doesNotContainAnyElementsOf(acknowledged);
            Set<String> all = new HashSet<>(acknowledged);
            all.addAll(resumed);
            assertThat(all).as("every accepted event reaches the consumer").containsAll(accepted);
            assertThat(resumed).as("each once after the restart").doesNotHaveDuplicates();
        } finally {
            herald.kill();
        }
    }

    /** How many acknowledgements Herald has confirmed to the consumer so far. */
    private static long acked(StreamClient client) {
        return client.seen().stream().filter(n -> n.has("acked")).count();
    }

    private static boolean post(int port, String id) throws Exception {
        try {
            HttpResponse<String> r = Http.post("http://127.0.0.1:" + port + "/events", "application/cloudevents+json", Json.string(Map.of(
                    "specversion", "1.0", "id", id, "source", "urn:test", "type", "order.created", "data", Map.of("orderId", id))));
            return r.statusCode() == 202;
        } catch (java.io.IOException e) {
            return false; // Herald is gone: not accepted
        }
    }
}
