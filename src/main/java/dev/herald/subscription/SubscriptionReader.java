package dev.herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.schibsted.spt.data.jslt.Expression;
import com.schibsted.spt.data.jslt.JsltException;
import com.schibsted.spt.data.jslt.Parser;
import dev.herald.channel.ChannelContract;
import dev.herald.channel.ChannelSettings;
import dev.herald.channel.ParameterContext;
import dev.herald.yaml.DidYouMean;
import dev.herald.yaml.Problems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.herald.event.TypePattern;

/**
 * Reads one subscription, a key at a time. Each key's reading reports its own problems and none
 * stops the others, so one pass finds them all; what a channel's parameters mean is its contract's
 * business ({@link ChannelContract#read}).
 */
public final class SubscriptionReader {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final Set<String> KEYS = new TreeSet<>(Set.of("id", "description", "types", "filter", "channel", "parameters",
            "transform", "retry", "ordered", "rateLimit", "maxInFlight"));
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*/\\s*(s|m|h)");

    private final RetrySchedule defaultRetry;
    private final ParameterContext channels;

    SubscriptionReader(RetrySchedule defaultRetry, ParameterContext channels) {
        this.defaultRetry = defaultRetry;
        this.channels = channels;
    }

    /** The subscription, or null with its problems added to {@code problems} (which stand at its node). */
    Subscription read(JsonNode n, Problems problems) {
        if (!n.isObject()) {
            problems.add("a subscription is not a map", "write each one as a map with id, types, channel and parameters, starting with '- id: ...'");
            return null;
        }
        int before = problems.size();
        knownKeys(n, problems);
        String id = id(n.get("id"), problems.at("id"));
        List<TypePattern> types = types(n.get("types"), problems.at("types"));
        ContentFilter filter = n.hasNonNull("filter") ? ContentFilter.compile(n.get("filter"), problems.at("filter")) : null;
        String channel = n.path("channel").asText("webhook");
        ChannelSettings settings = channel(channel, n.get("parameters"), problems);
        Expression transform = transform(n.get("transform"), problems.at("transform"));
        RetrySchedule retry = retry(n.get("retry"), problems.at("retry"), defaultRetry);
        boolean ordered = ordered(n.get("ordered"), problems.at("ordered"));
        long interval = rateLimit(n.get("rateLimit"), problems.at("rateLimit"));
        int maxInFlight = maxInFlight(n.get("maxInFlight"), problems.at("maxInFlight"));
        if (problems.size() > before) return null;
        Subscription.Limits limits = interval == 0 && maxInFlight == 0 ? Subscription.Limits.NONE
                : new Subscription.Limits(interval, maxInFlight, interval == 0 ? null : n.get("rateLimit").asText().trim());
        return new Subscription(id, n.path("description").asText(null), types, filter, channel, settings, transform, retry, ordered, limits, null);
    }

    private static void knownKeys(JsonNode n, Problems problems) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (KEYS.contains(k)) continue;
            String guess = DidYouMean.closest(k, KEYS, 2);
            problems.at(k).addAtKey("unknown key '" + k + "'", (guess == null ? "" : "did you mean " + guess + "? ") + "known keys are " + KEYS);
        }
    }

    private static String id(JsonNode v, Problems problems) {
        String id = v == null || !v.isValueNode() ? null : v.asText();
        if (id == null || !ID.matcher(id).matches()) {
            problems.add("id " + (id == null ? "is missing" : "'" + id + "' is not valid"),
                    "write lower-case letters, digits, '.', '_' or '-', such as \"acme-orders\"");
        }
        return id;
    }

    /** The type patterns of {@code types}; the partner API reads them the same way. */
    public static List<TypePattern> types(JsonNode t, Problems problems) {
        if (t == null || t.isNull()) {
            problems.add("types is missing", "list the event types to receive, such as [\"order.*\"] (\"*\" for all)");
            return List.of();
        }
        if (!t.isArray() || t.isEmpty()) {
            problems.add("types is not a list of event type patterns", "list them, such as types: [\"order.*\"] (\"*\" for all)");
            return List.of();
        }
        List<TypePattern> types = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            try {
                types.add(new TypePattern(t.get(i).asText()));
            } catch (IllegalArgumentException e) {
                problems.at(i).addMessage("types: " + e.getMessage(), "write dot-separated words with * as a wildcard");
            }
        }
        return List.copyOf(types);
    }

    /** The channel's settings from its parameters; for a channel that is not known, as much as can be checked without it. */
    private ChannelSettings channel(String channel, JsonNode parameters, Problems problems) {
        ChannelContract contract = ChannelContract.of(channel);
        if (contract != null) return contract.read(parameters, channels, problems.at("parameters"));
        String guess = ChannelContract.closest(channel);
        problems.at("channel").add("channel '" + channel + "' is not known",
                (guess == null ? "" : "did you mean " + guess + "? ") + "available channels: " + String.join(", ", ChannelContract.CHANNELS));
        // A typo's parameters are read as the channel it most likely means; others are checked for written-in secrets.
        if (guess != null) ChannelContract.of(guess).read(parameters, channels, problems.at("parameters"));
        else ChannelContract.checkSecretsOfUnknownChannel(parameters, channels, problems.at("parameters"));
        return null;
    }

    private static Expression transform(JsonNode t, Problems problems) {
        if (t == null || t.isNull()) return null;
        try {
            return Parser.compileString(t.asText());
        } catch (JsltException e) {
            // JSLT's first line says what and where in the expression; the rest lists every token it could take.
            problems.add("transform: " + e.getMessage().lines().findFirst().orElse("").trim(),
                    "write a JSLT expression over the event, such as {\"order\": .data.orderId}");
            return null;
        }
    }

    /** A retry schedule, or {@code defaultRetry} when none is given (or it is wrong: reported). */
    public static RetrySchedule retry(JsonNode r, Problems problems, RetrySchedule defaultRetry) {
        if (r == null || r.isNull()) return defaultRetry;
        if (!r.isArray() || r.isEmpty()) {
            problems.add("retry is not a list of delays", "write one delay per attempt, such as [0s, 5s, 5m, 30m]");
            return defaultRetry;
        }
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            try {
                delays.add(delay(r.get(i).asText()));
            } catch (IllegalArgumentException e) {
                problems.at(i).addMessage("retry: " + e.getMessage(), "write a list such as [0s, 5s, 5m, 30m]");
            }
        }
        return delays.size() == r.size() ? new RetrySchedule(delays, defaultRetry.jitter()) : defaultRetry;
    }

    /** One delay, read as every retry schedule reads its delays. */
    private static Duration delay(String text) {
        return RetrySchedule.of(List.of(text), 0).delays().get(0);
    }

    private static boolean ordered(JsonNode o, Problems problems) {
        if (o == null || o.isNull()) return false;
        if (!o.isBoolean()) {
            problems.add("ordered: '" + o.asText() + "' is not true or false", "write `ordered: true` to deliver each ordering key in order");
            return false;
        }
        return o.asBoolean();
    }

    /** {@code rateLimit: 10/s} (or /m, /h): the interval between deliveries in milliseconds; 0 without a limit. */
    public static long rateLimit(JsonNode r, Problems problems) {
        double perSecond = ratePerSecond(r, problems);
        return perSecond == 0 ? 0 : Math.max(1, Math.round(1000 / perSecond));
    }

    /** {@code rateLimit} as deliveries per second, exactly as written; 0 without a limit (or a wrong one: reported). */
    public static double ratePerSecond(JsonNode r, Problems problems) {
        if (r == null || r.isNull()) return 0;
        String text = r.asText().trim();
        Matcher m = RATE.matcher(text);
        double perUnit = m.matches() ? Double.parseDouble(m.group(1)) : 0;
        if (perUnit <= 0) {
            problems.add("rateLimit: '" + text + "' is not a rate", "write deliveries per second, minute or hour, such as \"10/s\" or \"600/m\"");
            return 0;
        }
        return perUnit / switch (m.group(2)) {
            case "s" -> 1;
            case "m" -> 60;
            default -> 3600;
        };
    }

    /** {@code maxInFlight: 5}; 0 without a cap. */
    private static int maxInFlight(JsonNode v, Problems problems) {
        if (v == null || v.isNull()) return 0;
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            problems.add("maxInFlight: '" + v.asText() + "' is not a whole number of at least 1", "write one such as maxInFlight: 4");
            return 0;
        }
        return v.asInt();
    }
}
