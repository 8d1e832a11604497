package dev.herald.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/**
 * Accept's parse and the serialise after it, for a 1 KB structured CloudEvent, in one run
 * (bench/cloudevents-compare.sh):
 * <ul>
 * <li>herald — {@link EventFactory#toEvent} (UTF-8 check, tree, attribute checks, the record) and {@link Json#bytes};
 * <li>sdk — the CloudEvents SDK's {@link JsonFormat} as shipped: deserialize, serialize;
 * <li>sdk+checks — the SDK on Herald's mapper with the checks it lacks ({@link SdkStructuredParse}).
 * </ul>
 * Each must write the same JSON or the run stops. Round 0 warms the JIT up and is not counted; the
 * codecs take turns in a different order each round; medians and each round's ratio to herald are
 * printed. Not a test: it asserts nothing.
 */
public final class CodecComparison {

    static final List<String> CODECS = List.of("herald", "sdk", "sdk+checks");

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 1.0;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        byte[] input = event();
        Map<String, Function<byte[], byte[]>> codecs = codecs();

        JsonNode expected = Json.tree(new String(codecs.get("herald").apply(input), StandardCharsets.UTF_8));
        for (String name : CODECS) {
            JsonNode got = Json.tree(new String(codecs.get(name).apply(input), StandardCharsets.UTF_8));
            if (!got.equals(expected)) throw new IllegalStateException(name + " wrote " + got + ", Herald " + expected);
        }

        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        for (int round = 0; round <= rounds; round++) {
            Map<String, Double> thisRound = new HashMap<>();
            for (int k = 0; k < CODECS.size(); k++) {
                String name = CODECS.get((k + round) % CODECS.size());
                thisRound.put(name, rate(codecs.get(name), input, seconds));
            }
            System.err.printf("round %d done%n", round);
            if (round == 0) continue;
            for (String name : CODECS) {
                rates.computeIfAbsent(name, x -> new ArrayList<>()).add(thisRound.get(name));
                ratios.computeIfAbsent(name, x -> new ArrayList<>()).add(thisRound.get(name) / thisRound.get("herald"));
            }
        }
        System.out.printf("%d-byte event; %.1f s per codec per round, %d rounds after a warm-up round; medians (min-max)%n",
                input.length, seconds, rounds);
        System.out.printf("%-12s %30s %10s%n", "codec", "parse+serialise events/s", "vs herald");
        for (String name : CODECS) {
            List<Double> r = rates.get(name);
            System.out.printf("%-12s %,12.0f (%,.0f-%,.0f) %9.2fx%n", name, median(r), min(r), max(r), median(ratios.get(name)));
        }
    }

    static Map<String, Function<byte[], byte[]>> codecs() {
        EventFactory factory = new EventFactory(262_144, Clock.systemUTC());
        // One message, its body replaced for each event, as a route's exchange would carry it.
        Message message = new DefaultExchange(new DefaultCamelContext()).getMessage();
        JsonFormat sdk = new JsonFormat();
        Map<String, Function<byte[], byte[]>> codecs = new LinkedHashMap<>();
        codecs.put("herald", bytes -> {
            message.setBody(bytes);
            return Json.bytes(factory.toEvent(message));
        });
        codecs.put("sdk", bytes -> sdk.serialize(sdk.deserialize(bytes)));
        codecs.put("sdk+checks", bytes -> SdkStructuredParse.serialize(SdkStructuredParse.parse(bytes)));
        return codecs;
    }

    private static double rate(Function<byte[], byte[]> codec, byte[] input, double seconds) {
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (seconds * 1e9);
        long events = 0;
        long written = 0;
        long now;
        do {
            for (int i = 0; i < 64; i++) written += codec.apply(input).length;
            events += 64;
            now = System.nanoTime();
        } while (now < deadline);
        if (written < events) throw new IllegalStateException("nothing written");
        return events / ((now - t0) / 1e9);
    }

    /** The 1 KB CloudEvent both comparisons use (src/test/resources/bench), compact as a producer sends it. */
    static byte[] event() {
        try (InputStream in = CodecComparison.class.getResourceAsStream("/bench/order-created-1kb.json")) {
            return Json.MAPPER.writeValueAsBytes(Json.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static double min(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
