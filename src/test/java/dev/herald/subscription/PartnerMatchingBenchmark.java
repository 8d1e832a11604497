package dev.herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.EventCatalog;
import dev.herald.event.Json;
import dev.herald.event.TypePattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The registry's matching with partners' subscriptions: 10 partners against 10,000, each with 3
 * endpoints for order events, beside the platform's 4 (bench/matching.sh). An event for one partner
 * (a scoped type) should cost the same whatever the number of partners: only that partner's index is
 * searched. A broadcast event, which every partner subscribed to receives, costs what its thousands
 * of matches cost — shown for scale. Medians of 6 rounds after a warm-up, the two sizes taking turns
 * in alternating order. Not a test: it asserts nothing.
 */
public final class PartnerMatchingBenchmark {

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Path dir = Files.createTempDirectory("herald-partner-matching");
        Path file = Files.writeString(dir.resolve("subscriptions.yaml"), """
                subscriptions:
                  - {id: all-orders, types: ["order.*"], channel: endpoint, parameters: {uri: "log:all"}}
                  - {id: created, types: ["order.created"], channel: endpoint, parameters: {uri: "log:created"}}
                  - {id: big-de, types: ["order.created"], channel: endpoint, parameters: {uri: "log:big"},
                     filter: {data: {total: [{numeric: [">=", 1000]}], country: [DE]}}}
                  - {id: everything, types: ["*"], channel: endpoint, parameters: {uri: "log:everything"}}
                """);
        EventCatalog catalog = EventCatalog.load(Files.writeString(dir.resolve("catalog.yaml"), """
                types:
                  order.created: {description: an order, partners: scoped}
                  platform.notice: {description: a notice for all, partners: broadcast}
                """));
        SubscriptionLoader loader = new SubscriptionLoader(s -> s, RetrySchedule.parse("0s", 0));
        int[] sizes = {10, 10_000};
        SubscriptionRegistry[] registries = new SubscriptionRegistry[sizes.length];
        for (int k = 0; k < sizes.length; k++) {
            registries[k] = new SubscriptionRegistry(file, loader, null, catalog, stored(sizes[k]));
            registries[k].load();
        }
        int rounds = 7; // the first warms the JIT up and is not counted; the order alternates, so neither size always goes first
        double[][] scoped = new double[sizes.length][rounds - 1];
        double[][] broadcast = new double[sizes.length][rounds - 1];
        double[][] naive = new double[sizes.length][rounds - 1];
        // The design this replaces: every partner's subscriptions in one index by type, the partner checked per candidate.
        SubscriptionIndex[] together = new SubscriptionIndex[sizes.length];
        for (int k = 0; k < sizes.length; k++) together[k] = new SubscriptionIndex(stored(sizes[k]).load().subscriptions());
        long[] matches = new long[sizes.length];
        long[] broadcastMatches = new long[sizes.length];
        for (int round = 0; round < rounds; round++) {
            for (int j = 0; j < sizes.length; j++) {
                int k = round % 2 == 0 ? j : sizes.length - 1 - j;
                int partners = sizes[k];
                Random random = new Random(7);
                JsonNode[] events = new JsonNode[1024];
                for (int i = 0; i < events.length; i++) {
                    events[i] = Json.tree("{\"type\": \"order.created\", \"partnerid\": \"p" + random.nextInt(partners)
                            + "\", \"data\": {\"total\": 1500, \"country\": \"DE\"}}");
                }
                long t0 = System.nanoTime();
                long matched = 0;
                for (int i = 0; i < count; i++) matched += registries[k].match("order.created", events[i & 1023]).size();
                double scopedRate = count / ((System.nanoTime() - t0) / 1e9);
                JsonNode notice = Json.tree("{\"type\": \"platform.notice\", \"data\": {}}");
                int broadcasts = Math.max(1, count / partners);
                long t1 = System.nanoTime();
                long broadcastMatched = 0;
                for (int i = 0; i < broadcasts; i++) broadcastMatched += registries[k].match("platform.notice", notice).size();
                double broadcastRate = broadcasts / ((System.nanoTime() - t1) / 1e9);
                int naiveCount = Math.max(1, count / 1000);
                long t2 = System.nanoTime();
                long naiveMatched = 0;
                for (int i = 0; i < naiveCount; i++) {
                    JsonNode e = events[i & 1023];
                    String partner = e.path("partnerid").asText();
                    for (Subscription s : together[k].candidates("order.created")) {
                        if (partner.equals(s.partner()) && (s.filter() == null || s.filter().matches(e))) naiveMatched++;
                    }
                }
                double naiveRate = naiveCount / ((System.nanoTime() - t2) / 1e9);
                if (round == 0 || naiveMatched < 0) continue;
                naive[k][round - 1] = naiveRate;
                scoped[k][round - 1] = scopedRate;
                broadcast[k][round - 1] = broadcastRate;
                matches[k] = matched / count;
                broadcastMatches[k] = broadcastMatched / broadcasts;
            }
        }
        for (int k = 0; k < sizes.length; k++) {
            System.out.printf("%,6d partners x 3: scoped events %s (%d matches each); one index for all partners instead: %s;"
                            + " broadcast events %s (%,d matches each)%n",
                    sizes[k], median(scoped[k]), matches[k], median(naive[k]), median(broadcast[k]), broadcastMatches[k]);
        }
    }

    /** The median of the rounds, with their range: "123,000/s (min-max 100,000-150,000)". */
    private static String median(double[] rates) {
        double[] sorted = rates.clone();
        java.util.Arrays.sort(sorted);
        return String.format("%,.0f/s (rounds %,.0f-%,.0f)", sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
    }

    /** {@code partners} partners with 3 endpoints each: all order events, created only, and a filtered one; one takes notices. */
    static StoredSubscriptions stored(int partners) {
        List<Subscription> subs = new ArrayList<>();
        for (int p = 0; p < partners; p++) {
            String id = "p" + p;
            subs.add(sub(id + ".all", id, "order.*", null));
            subs.add(sub(id + ".created", id, "order.created", null));
            subs.add(sub(id + ".big", id, "order.created", "{\"data\": {\"total\": [{\"numeric\": [\">=\", " + (p % 2000) + "]}]}}"));
            subs.add(sub(id + ".notices", id, "platform.*", null));
        }
        return new StoredSubscriptions() {
            @Override
            public long revision() {
                return 1;
            }

            @Override
            public Loaded load() throws SQLException {
                return new Loaded(subs, Map.of());
            }
        };
    }

    static Subscription sub(String id, String partner, String pattern, String filter) {
        Subscription s = MatchingBenchmark.sub(id, pattern, filter);
        return new Subscription(s.id(), null, List.of(new TypePattern(pattern)), s.filter(), "webhook", s.settings(), null, s.retry(), false,
                Subscription.Limits.NONE, partner);
    }
}
