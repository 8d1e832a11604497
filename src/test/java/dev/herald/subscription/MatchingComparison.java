package dev.herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Herald's matching against AWS event-ruler, in one run (bench/matching-compare.sh): events/s for
 * 10 and 10,000 subscriptions, typical (spread over 500 types, as in {@link MatchingBenchmark}) and
 * worst case (every subscription on the event's type, each with its own filter), and what building
 * each costs (a reload); then 100 and 400 open numeric thresholds on one field. Three matchers:
 * <ul>
 * <li>herald — {@link SubscriptionIndex} + {@link ContentFilter}, as {@code SubscriptionRegistry.match};
 * <li>index+ruler — the same index, event-ruler as each candidate's filter ({@link RulerFilter});
 * <li>ruler — every subscription a rule in one event-ruler machine ({@link RulerMatcher}).
 * </ul>
 * The event is a 1 KB CloudEvent; each matcher must find the same subscriptions or the run stops.
 * Round 0 warms the JIT up and is not counted; the matchers take turns in a different order each
 * round, and the medians (and each round's ratio to herald) are printed. Not a test: it asserts nothing.
 */
public final class MatchingComparison {

    interface Matcher {
        List<Subscription> match(String type, JsonNode event);
    }

    record Scenario(String name, int size, List<Subscription> subscriptions, Map<String, JsonNode> filters) {}

    static final List<String> MATCHERS = List.of("herald", "index+ruler", "ruler");

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        JsonNode event = event();
        String type = event.path("type").asText();

        List<Scenario> scenarios = new ArrayList<>();
        for (int n : new int[] {10, 10_000}) {
            scenarios.add(scenario("typical", n, subscriptions(n, false)));
            scenarios.add(scenario("same-type", n, subscriptions(n, true)));
        }
        for (int n : new int[] {100, 400}) scenarios.add(scenario("thresholds", n, thresholds(n)));

        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        Map<String, List<Double>> builds = new LinkedHashMap<>();
        for (int round = 0; round <= rounds; round++) {
            for (Scenario sc : scenarios) {
                Map<String, Double> thisRound = new HashMap<>();
                for (int k = 0; k < MATCHERS.size(); k++) {
                    String name = MATCHERS.get((k + round) % MATCHERS.size());
                    long b0 = System.nanoTime();
                    Matcher m = build(name, sc);
                    double buildMs = (System.nanoTime() - b0) / 1e6;
                    check(sc, name, m, type, event);
                    double rate = rate(m, type, event, seconds);
                    if (round == 0) continue;
                    String key = sc.name() + " " + sc.size() + " " + name;
                    rates.computeIfAbsent(key, x -> new ArrayList<>()).add(rate);
                    builds.computeIfAbsent(key, x -> new ArrayList<>()).add(buildMs);
                    thisRound.put(name, rate);
                }
                System.err.printf("round %d: %s %,d done%n", round, sc.name(), sc.size());
                if (round == 0) continue;
                for (String name : MATCHERS) {
                    ratios.computeIfAbsent(sc.name() + " " + sc.size() + " " + name, x -> new ArrayList<>())
                            .add(thisRound.get(name) / thisRound.get("herald"));
                }
            }
        }

        System.out.printf("%.1f s per matcher per round, %d rounds after a warm-up round; medians (min-max)%n", seconds, rounds);
        System.out.printf("%-10s %6s %-12s %24s %16s %22s%n", "scenario", "subs", "matcher", "events/s", "vs herald", "build ms");
        for (String key : rates.keySet()) {
            String[] k = key.split(" ");
            System.out.printf("%-10s %,6d %-12s %,12.0f (%s) %8.2fx %12.1f (%s)%n", k[0], Integer.parseInt(k[1]), k[2],
                    median(rates.get(key)), range(rates.get(key), "%,.0f"), median(ratios.get(key)),
                    median(builds.get(key)), range(builds.get(key), "%.1f"));
        }
        for (Scenario sc : scenarios) {
            if (sc.size() < 10_000) continue;
            for (String name : MATCHERS) {
                System.out.printf("retained heap, %s %,d %s: ~%.1f MB%n", sc.name(), sc.size(), name, retainedMb(() -> build(name, sc)));
            }
        }
    }

    /** Events/s over about {@code seconds}, timed in batches so the clock is read rarely. */
    private static double rate(Matcher m, String type, JsonNode event, double seconds) {
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (seconds * 1e9);
        long events = 0;
        long matched = 0;
        long now;
        do {
            for (int i = 0; i < 64; i++) matched += m.match(type, event).size();
            events += 64;
            now = System.nanoTime();
        } while (now < deadline);
        if (matched < events) throw new IllegalStateException("nothing matched");
        return events / ((now - t0) / 1e9);
    }

    /** Builds a matcher from the subscriptions as the loader has them: filters still JSON. */
    static Matcher build(String name, Scenario sc) {
        ConcurrentHashMap<String, String> disabled = new ConcurrentHashMap<>();
        switch (name) {
            case "herald" -> {
                List<Subscription> subs = withFilters(sc, f -> ContentFilter.compile(f));
                SubscriptionIndex index = new SubscriptionIndex(subs);
                // SubscriptionRegistry.match, line for line.
                return (type, event) -> index.candidates(type).stream()
                        .filter(s -> !disabled.containsKey(s.id()))
                        .filter(s -> s.filter() == null || s.filter().matches(event))
                        .toList();
            }
            case "index+ruler" -> {
                Map<String, RulerFilter> filters = new HashMap<>();
                sc.filters().forEach((id, f) -> filters.put(id, RulerFilter.compile(f)));
                SubscriptionIndex index = new SubscriptionIndex(withFilters(sc, f -> null));
                return (type, event) -> index.candidates(type).stream()
                        .filter(s -> !disabled.containsKey(s.id()))
                        .filter(s -> {
                            RulerFilter f = filters.get(s.id());
                            return f == null || f.matches(event);
                        })
                        .toList();
            }
            case "ruler" -> {
                RulerMatcher machine = new RulerMatcher(withFilters(sc, f -> null), sc.filters());
                return (type, event) -> machine.match(event).stream().filter(s -> !disabled.containsKey(s.id())).toList();
            }
            default -> throw new IllegalArgumentException(name);
        }
    }

    private static List<Subscription> withFilters(Scenario sc, Function<JsonNode, ContentFilter> compile) {
        List<Subscription> out = new ArrayList<>(sc.subscriptions().size());
        for (Subscription s : sc.subscriptions()) {
            JsonNode f = sc.filters().get(s.id());
            out.add(new Subscription(s.id(), null, s.types(), f == null ? null : compile.apply(f), s.channel(), null, List.of(),
                    Map.of(), null, null, s.retry(), false));
        }
        return out;
    }

    /** Each matcher must find what Herald finds, or its numbers mean nothing. */
    private static void check(Scenario sc, String name, Matcher m, String type, JsonNode event) {
        List<String> expected = build("herald", sc).match(type, event).stream().map(Subscription::id).sorted().toList();
        List<String> got = m.match(type, event).stream().map(Subscription::id).sorted().toList();
        if (!got.equals(expected)) {
            throw new IllegalStateException(name + " on " + sc.name() + " " + sc.size() + " found " + got + ", Herald " + expected);
        }
    }

    static Scenario scenario(String name, int size, List<Subscription> subs) {
        Map<String, JsonNode> filters = new HashMap<>();
        for (Subscription s : subs) {
            if (s.filter() != null) filters.put(s.id(), Json.tree(s.filter().toString()));
        }
        return new Scenario(name, size, subs, filters);
    }

    /**
     * {@code n} subscriptions: the same 4 that match as in {@link MatchingBenchmark}; the others fail
     * the event. Typical: spread over 500 types (a quarter as {@code prefix.*}), a third with a
     * filter. Same type: all on {@code order.created}, each with a filter — the worst case for an
     * index by type. The filters take turns: a value, a numeric band, a prefix, an array value beside
     * a value, an {@code $or}. ({@link MatchingBenchmark}'s filters are open numeric thresholds, which
     * event-ruler cannot build 10,000 of in reasonable time: see {@link #thresholds}.)
     */
    static List<Subscription> subscriptions(int n, boolean sameType) {
        Random random = new Random(1);
        List<Subscription> out = new ArrayList<>(MatchingBenchmark.subscriptions(4));
        for (int i = out.size(); i < n; i++) {
            String type = "domain" + random.nextInt(100) + ".thing" + random.nextInt(5);
            String pattern = sameType ? "order.created" : i % 4 == 0 ? type.substring(0, type.indexOf('.') + 1) + "*" : type;
            out.add(MatchingBenchmark.sub("s" + i, pattern, sameType || i % 3 == 0 ? filter(i) : null));
        }
        return out;
    }

    static String filter(int i) {
        return switch (i % 5) {
            case 0 -> "{\"data\": {\"customer\": [\"x" + i + "\"]}}";
            case 1 -> "{\"data\": {\"total\": [{\"numeric\": [\">\", " + (100_000 + 10 * i) + ", \"<=\", " + (100_010 + 10 * i) + "]}]}}";
            case 2 -> "{\"subject\": [{\"prefix\": \"std-" + i + "\"}]}";
            case 3 -> "{\"data\": {\"tags\": [\"t" + i + "\"], \"country\": [\"DE\"]}}";
            default -> "{\"$or\": [{\"data\": {\"country\": [\"C" + i + "\"]}}, {\"data\": {\"channel\": [\"ch" + i + "\"]}}]}";
        };
    }

    /**
     * {@code n} subscriptions on {@code order.created}, the 4 that match and the others each an open
     * numeric threshold on the same field ({@code total > 100000 + i}), the shape of
     * {@link MatchingBenchmark}'s filters. Building these grows with the square of their number in
     * event-ruler 1.8.1 (overlapping ranges on one field), so this scenario stays small.
     */
    static List<Subscription> thresholds(int n) {
        List<Subscription> out = new ArrayList<>(MatchingBenchmark.subscriptions(4));
        for (int i = out.size(); i < n; i++) {
            out.add(MatchingBenchmark.sub("s" + i, "order.created", "{\"data\": {\"total\": [{\"numeric\": [\">\", " + (100_000 + i) + "]}]}}"));
        }
        return out;
    }

    /** The 1 KB CloudEvent both comparisons use (src/test/resources/bench). */
    static JsonNode event() {
        try (InputStream in = MatchingComparison.class.getResourceAsStream("/bench/order-created-1kb.json")) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double retainedMb(java.util.function.Supplier<Object> build) {
        long before = usedAfterGc();
        Object kept = build.get();
        long after = usedAfterGc();
        Reference.reachabilityFence(kept); // not collected before it is measured
        return (after - before) / 1e6;
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static String range(List<Double> xs, String format) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(format, a[0]) + "-" + String.format(format, a[a.length - 1]);
    }
}
