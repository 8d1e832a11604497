package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.support.Receiver;
import dev.herald.support.TestHerald;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** 10,000 malformed inputs mixed with good ones: every good one delivered, every bad one rejected with its reason. */
class ChaosMalformedInputTest {

    static final int BAD = 10_000;
    static final int GOOD = 500;

    @Test
    void badInputIsRejectedWithItsReasonAndTheGoodInputAroundItFlows() throws Exception {
        List<Load.Input> inputs = new ArrayList<>();
        String[] kinds = {"not-json", "truncated", "no-order-id", "deep", "bad-utf8", "empty", "array"};
        for (int i = 0; i < BAD; i++) {
            inputs.add(switch (kinds[i % kinds.length]) {
                case "not-json" -> new Load.Input("order " + i + " please", null, null);
                case "truncated" -> new Load.Input("{\"orderId\": \"X-" + i + "\", \"status\": ", null, null);
                case "no-order-id" -> new Load.Input("{\"status\": \"created\", \"n\": " + i + "}", null, null);
                case "deep" -> new Load.Input("{\"a\":".repeat(80) + i + "}".repeat(80), null, null);
                case "bad-utf8" -> new Load.Input(null, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}, null);
                case "empty" -> new Load.Input("", null, null);
                default -> new Load.Input("[1, 2, " + i + "]", null, null);
            });
        }
        inputs.addAll(Load.orders("G-", GOOD, "g"));
        Collections.shuffle(inputs, new Random(7));

        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start(TestHerald.webhooks("good " + receiver.url("/g")), Map.of())) {
            Load.send(herald.brokerUrl(), "producer", herald.producerPassword(), inputs);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> herald.broker().messageCount("herald.rejected") >= BAD && Load.eventIds(receiver, "/g").size() >= GOOD);
            await().atMost(Duration.ofSeconds(30)).until(() -> herald.broker().messageCount("legacy.orders") == 0);

            Map<String, Integer> reasons = new HashMap<>();
            List<Map<String, String>> rejected = herald.browse("herald.rejected");
            for (Map<String, String> m : rejected) {
                String reason = m.getOrDefault("herald_reason", "");
                reasons.merge(reason.replaceAll("[0-9]+", "N").replaceAll("(.{120}).*", "$1…"), 1, Integer::sum);
            }
            long accepted = ((Number) herald.query("select count(*) as n from events").get(0).get("n")).longValue();
            long delivered = Load.eventIds(receiver, "/g").size();
            new Tally("10,000 malformed among 500 good", BAD + GOOD, accepted, delivered, 0, rejected.size(),
                    receiver.requests("/g").size() - delivered).print();
            reasons.entrySet().stream().sorted(Map.Entry.comparingByValue(java.util.Comparator.reverseOrder()))
                    .forEach(e -> System.out.printf("  %5d  %s%n", e.getValue(), e.getKey()));

            assertThat(rejected).hasSize(BAD);
            assertThat(rejected).allSatisfy(m -> assertThat(m.get("herald_reason")).isNotBlank());
            assertThat(rejected).allSatisfy(m -> assertThat(m.get("herald_route")).isEqualTo("ingress-orders-json"));
            assertThat(delivered).isEqualTo(GOOD);
            assertThat(accepted).isEqualTo(GOOD);
            // The reasons say what is wrong, per kind of input.
            String all = String.join("\n", reasons.keySet());
            assertThat(all).contains("Unrecognized token").contains("Invalid UTF-").contains("required property 'orderId' not found")
                    .contains("No content to map").contains("not an object");
        }
    }
}
