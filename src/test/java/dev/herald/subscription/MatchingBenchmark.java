package dev.herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import dev.herald.event.TypePattern;

/**
 * Dispatch's matching cost with 10 and with 10,000 subscriptions, measured in the same run
 * (bench/matching.sh). Subscriptions are spread over 500 event types, a third of them with a
 * content filter; each event matches the same handful in both cases, so the difference is what the
 * non-matching subscriptions cost. Not a test: it asserts nothing.
 */
public final class MatchingBenchmark {

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        JsonNode event = Json.tree("{\"type\": \"order.created\", \"data\": {\"total\": 1500, \"country\": \"DE\"}}");
        for (int round = 0; round < 2; round++) { // the first round warms the JIT up
            for (int n : new int[] {10, 10_000}) {
                SubscriptionIndex index = new SubscriptionIndex(subscriptions(n));
                long t0 = System.nanoTime();
                long matched = 0;
                for (int i = 0; i < events; i++) {
                    for (Subscription s : index.candidates("order.created")) {
                        if (s.filter() == null || s.filter().matches(event)) matched++;
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (round == 1) {
                    System.out.printf("%,6d subscriptions: %,.0f events/s matched (%d matches per event)%n",
                            n, events / seconds, matched / events);
                }
            }
        }
    }

    /** {@code n} subscriptions: the same 4 match order.created; the rest are for 500 other types. */
    static List<Subscription> subscriptions(int n) {
        Random random = new Random(1);
        List<Subscription> out = new ArrayList<>();
        out.add(sub("all-orders", "order.*", null));
        out.add(sub("created", "order.created", null));
        out.add(sub("big-de", "order.created", "{\"data\": {\"total\": [{\"numeric\": [\">=\", 1000]}], \"country\": [\"DE\"]}}"));
        out.add(sub("everything", "*", null));
        for (int i = out.size(); i < n; i++) {
            String type = "domain" + random.nextInt(100) + ".thing" + random.nextInt(5);
            String filter = i % 3 == 0 ? "{\"data\": {\"amount\": [{\"numeric\": [\">\", " + i + "]}]}}" : null;
            out.add(sub("s" + i, i % 4 == 0 ? type.substring(0, type.indexOf('.') + 1) + "*" : type, filter));
        }
        return out;
    }

    static Subscription sub(String id, String pattern, String filter) {
        return new Subscription(id, null, List.of(new TypePattern(pattern)), filter == null ? null : ContentFilter.compile(Json.tree(filter)),
                "webhook", null, List.of(), Map.of(), null, null, RetrySchedule.parse("0s", 0), false);
    }
}
