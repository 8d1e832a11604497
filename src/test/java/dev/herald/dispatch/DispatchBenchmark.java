package dev.herald.dispatch;

import dev.herald.broker.BatchConsumer;
import dev.herald.subscription.RetrySchedule;
import dev.herald.event.EventCatalog;
import dev.herald.deliver.OrderingLanes;
import dev.herald.store.Store;
import dev.herald.subscription.SubscriptionLoader;
import dev.herald.subscription.SubscriptionRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The whole dispatch step (the batch's event locks and its one query for ids already dispatched,
 * match, build every delivery and the log record) with 10 and with 10,000 subscriptions, in the
 * same run (bench/dispatch.sh). Each event matches the
 * same 4 subscriptions in both cases; the store is H2 on disk, as by default. What is left out is
 * the JMS hand-off, which does not depend on the number of subscriptions. Events are dispatched in
 * batches of the second argument's size (1 by default). Not a test.
 */
public final class DispatchBenchmark {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        // Events per dispatch batch (one store query for them), as DispatchConsumer takes them under load.
        final int BATCH = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path dir = Files.createTempDirectory("herald-dispatch-bench");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            // Round 0 warms the JIT and the database up; rounds 1-3 alternate the two sizes (the machine is noisy).
            java.util.Map<Integer, List<Double>> rates = new java.util.TreeMap<>();
            for (int round = 0; round < 4; round++) {
                for (int n : new int[] {10, 10_000}) {
                    Path subs = dir.resolve("subs-" + n + ".yaml");
                    Files.writeString(subs, yaml(n));
                    try (Store store = new Store("jdbc:h2:file:" + dir.resolve("store-" + round + "-" + n)
                            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0", null, null, 4)) {
                        store.migrate();
                        SubscriptionRegistry registry = new SubscriptionRegistry(subs,
                                new SubscriptionLoader(camel::resolvePropertyPlaceholders, RetrySchedule.parse("0s", 0)), store,
                                EventCatalog.empty());
                        registry.load();
                        Dispatcher dispatcher = new Dispatcher(registry, store, new OrderingLanes(store.dataSource()), 30_000);
                        long deliveries = 0;
                        long t0 = System.nanoTime();
                        for (int i = 0; i < events; i += BATCH) {
                            List<String> batch = new java.util.ArrayList<>(BATCH);
                            for (int j = i; j < Math.min(events, i + BATCH); j++) {
                                batch.add("{\"specversion\": \"1.0\", \"id\": \"e-" + j + "\", \"source\": \"urn:bench\","
                                        + " \"type\": \"order.created\", \"data\": {\"total\": 1500, \"country\": \"DE\"}}");
                            }
                            BatchConsumer.Undo undo = new BatchConsumer.Undo();
                            for (Dispatcher.Decision d : dispatcher.dispatch(batch, System.currentTimeMillis(), undo)) {
                                deliveries += ((Dispatcher.Decision.Fanout) d).deliveries().size();
                            }
                            undo.committed(); // as after the JMS commit: the batch lets go of its event ids
                        }
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        if (round > 0) {
                            rates.computeIfAbsent(n, k -> new java.util.ArrayList<>()).add(events / seconds);
                            System.out.printf("round %d: %,6d subscriptions: %,.0f events/s dispatched (%d deliveries per event)%n",
                                    round, n, events / seconds, deliveries / events);
                        }
                    }
                }
            }
            rates.forEach((n, r) -> System.out.printf("median of 3: %,6d subscriptions: %,.0f events/s dispatched%n",
                    n, r.stream().sorted().toList().get(1)));
        }
    }

    /** The same shape as MatchingBenchmark's, as a file: 4 match order.created, the rest 500 other types. */
    static String yaml(int n) {
        StringBuilder y = new StringBuilder("subscriptions:\n");
        sub(y, "all-orders", "order.*", null);
        sub(y, "created", "order.created", null);
        sub(y, "big-de", "order.created", "{data: {total: [{numeric: ['>=', 1000]}], country: [DE]}}");
        sub(y, "everything", "*", null);
        Random random = new Random(1);
        for (int i = 4; i < n; i++) {
            String type = "domain" + random.nextInt(100) + ".thing" + random.nextInt(5);
            sub(y, "s" + i, i % 4 == 0 ? type.substring(0, type.indexOf('.') + 1) + "*" : type,
                    i % 3 == 0 ? "{data: {amount: [{numeric: ['>', " + i + "]}]}}" : null);
        }
        return y.toString();
    }

    private static void sub(StringBuilder y, String id, String type, String filter) {
        y.append("  - id: ").append(id).append("\n    types: [\"").append(type).append("\"]\n");
        if (filter != null) y.append("    filter: ").append(filter).append("\n");
        y.append("    channel: endpoint\n    parameters: {uri: \"log:bench\"}\n");
    }
}
