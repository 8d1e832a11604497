package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.event.Json;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import dev.herald.support.TestHerald;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Receivers misbehaving: one down for a (compressed) long while, one slow beside a fast one. */
class ChaosReceiverTest {

    @Test
    void aReceiverDownForALongWhileGetsEverythingOnceItIsBack() throws Exception {
        int port = TestHerald.freePort();
        int events = 300;
        // "Ten minutes" compressed to 8 s; the schedule and the circuit's probe compressed alike.
        try (TestHerald herald = TestHerald.start(TestHerald.webhooks("down http://127.0.0.1:" + port + "/d [0s, 1s, 1s, 2s, 2s, 4s, 4s, 8s, 8s, 16s]"),
                Map.of("herald.circuit.probe-interval", "1s"))) {
            Load.send(herald.brokerUrl(), "producer", herald.producerPassword(), Load.orders("D-", events, "d"));
            Thread.sleep(8000);
            try (Receiver receiver = new Receiver(port)) {
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .until(() -> Load.eventIds(receiver, "/d").size() >= events);
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        ((Number) herald.query("select count(*) as n from deliveries where status = 'succeeded'").get(0).get("n")).intValue() == events);
                long delivered = Load.eventIds(receiver, "/d").size();
                long dead = ((Number) herald.query("select count(*) as n from dead_letters").get(0).get("n")).longValue();
                long accepted = ((Number) herald.query("select count(*) as n from events").get(0).get("n")).longValue();
                new Tally("receiver down 8 s, then back", events, accepted, delivered, dead, 0, receiver.requests("/d").size() - delivered).print();
                assertThat(delivered).isEqualTo(events);
                assertThat(dead).isZero();
                assertThat(herald.query("select * from subscription_health")).as("circuit closed again").isEmpty();
            }
        }
    }

    @Test
    void aSlowReceiverDoesNotSlowAFastOne() throws Exception {
        int events = 40;
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start("subscriptions:\n" + sub("fast", receiver.url("/fast")) + sub("slow", receiver.url("/slow")),
                     Map.of("camel.main.shutdown-timeout", "2", "herald.deliver.timeout", "8s"))) {
            for (int i = 0; i < 200; i++) receiver.script("/slow", Response.hang(5000));
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            // Baseline: the fast partner alone.
            List<Long> alone = run(herald, receiver, "A-", events, "fast", sentAt);
            // Then every event to both, the slow partner taking 5 s per request.
            List<Long> beside = run(herald, receiver, "S-", events, "both", sentAt);
            long slowDone = receiver.requests("/slow").size();
            System.out.printf("chaos slow receiver beside a fast one: fast p50/p99 alone %d/%d ms, beside the slow one %d/%d ms;"
                    + " slow one had %d of %d when the fast one was done%n", pct(alone, 50), pct(alone, 99), pct(beside, 50), pct(beside, 99),
                    slowDone, events);
            new Tally("slow receiver beside (fast partner)", events * 2L, events * 2L, receiver.requests("/fast").size(), 0, 0,
                    receiver.requests("/fast").size() - events * 2L).print();
            assertThat(pct(beside, 99)).as("the fast partner's p99 beside a slow one").isLessThan(pct(alone, 99) + 1000);
            assertThat(slowDone).as("the slow one was still going").isLessThan(events);
        }
    }

    private static List<Long> run(TestHerald herald, Receiver receiver, String prefix, int events, String to, Map<String, Long> sentAt)
            throws Exception {
        for (int i = 0; i < events; i++) {
            sentAt.put(prefix + i, System.currentTimeMillis());
            herald.send("legacy.orders", Json.string(Map.of("orderId", prefix + i, "status", "created", "to", to)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() ->
                receiver.requests("/fast").stream().filter(r -> r.bodyText().contains("\"" + prefix)).count() >= events);
        List<Long> latencies = new ArrayList<>();
        for (Receiver.Request r : receiver.requests("/fast")) {
            String id = Json.tree(r.bodyText()).path("data").path("orderId").asText();
            if (id.startsWith(prefix)) latencies.add(r.receivedAt() - sentAt.get(id));
        }
        return latencies;
    }

    private static long pct(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static String sub(String id, String url) {
        String to = id.equals("fast") ? "[fast, both]" : "[both]";
        return """
                  - id: %s
                    types: ["order.*"]
                    filter: {data: {to: %s}}
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                """.formatted(id, to, url);
    }
}
