package dev.herald.stream;

import static dev.herald.support.StreamClient.eventIds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.http.ApiKeys;
import dev.herald.support.Http;
import dev.herald.support.Postgres;
import dev.herald.support.StreamClient;
import dev.herald.support.TestHerald;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Two instances sharing a broker and PostgreSQL: events accepted on A reach stream consumers
 * connected to B (and to A), and a consumer group with one consumer on each instance shares the
 * events without both taking one.
 */
class StreamInstancesTest {

    static final String ADMIN_KEY = ApiKeys.newKey();
    static final String SUBSCRIPTIONS = """
            subscriptions:
              - id: feed
                types: ["order.*"]
                channel: stream
              - id: work
                types: ["order.*"]
                channel: stream
                parameters: {mode: group}
            """;

    @Test
    void eventsAcceptedOnOneInstanceReachConsumersOnTheOther() throws Exception {
        StreamClient.assumeInstalled();
        Map<String, String> shared = Map.of("herald.store.url", Postgres.freshSchemaUrl(), "herald.http.admin-keys", "ops:" + ApiKeys.hash(ADMIN_KEY));
        try (TestHerald a = TestHerald.start(SUBSCRIPTIONS, shared)) {
            Map<String, String> onA = new HashMap<>(shared);
            onA.putAll(Map.of("herald.broker.url", a.brokerUrl(), "herald.broker.user", a.broker().heraldLogin().user(),
                    "herald.broker.password", a.broker().heraldLogin().password()));
            try (TestHerald b = TestHerald.start(SUBSCRIPTIONS, onA)) {
                StreamClient sseOnB = StreamClient.start("sse", Map.of("url", b.http("/api/subscriptions/feed/events/stream?consumer=board"),
                        "key", ADMIN_KEY, "take", 20));
                StreamClient wsOnA = StreamClient.start("ws", Map.of("url", ws(a, "feed", "?consumer=app"), "key", ADMIN_KEY, "take", 20));
                StreamClient workerOnA = StreamClient.start("ws", Map.of("url", ws(a, "work", "?consumer=wa"), "key", ADMIN_KEY, "idleMs", 5000));
                StreamClient workerOnB = StreamClient.start("ws", Map.of("url", ws(b, "work", "?consumer=wb"), "key", ADMIN_KEY, "idleMs", 5000));
                List<String> sent = IntStream.rangeClosed(1, 20).mapToObj(i -> "X-" + i).toList();
                for (String id : sent) post(a, id);

                assertThat(eventIds(sseOnB.lines())).containsExactlyInAnyOrderElementsOf(sent);
                assertThat(eventIds(wsOnA.lines())).containsExactlyInAnyOrderElementsOf(sent);
                List<String> wa = eventIds(workerOnA.lines());
                List<String> wb = eventIds(workerOnB.lines());
                assertThat(wa).doesNotContainAnyElementsOf(wb);
                Set<String> both = new HashSet<>(wa);
                both.addAll(wb);
                assertThat(both).containsExactlyInAnyOrderElementsOf(sent);
                System.out.printf("group across instances: %d taken on A, %d on B%n", wa.size(), wb.size());
            }
        }
    }

    private static String ws(TestHerald h, String subscription, String query) {
        return h.http("/api/subscriptions/" + subscription + "/ws" + query).replaceFirst("^http", "ws");
    }

    private static void post(TestHerald herald, String id) throws Exception {
        HttpResponse<String> r = Http.post(herald.http("/events"), "application/cloudevents+json", "{\"specversion\": \"1.0\", \"id\": \""
                + id + "\", \"source\": \"urn:test\", \"type\": \"order.created\", \"data\": {\"orderId\": \"" + id + "\"}}",
                "Authorization", "Bearer " + ADMIN_KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }
}
