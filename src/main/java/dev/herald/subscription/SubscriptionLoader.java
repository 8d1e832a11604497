package dev.herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.schibsted.spt.data.jslt.Expression;
import com.schibsted.spt.data.jslt.JsltException;
import com.schibsted.spt.data.jslt.Parser;
import dev.herald.channel.ChannelContract;
import dev.herald.deliver.EmailTemplates;
import dev.herald.channel.Targets;
import dev.herald.event.Json;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.herald.deliver.RetrySchedule;
import dev.herald.deliver.WebhookSigner;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Reads and checks a subscriptions file. Every problem is collected and reported together, each
 * naming the file, the subscription, the key and what to write instead.
 */
public final class SubscriptionLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[^{}]+}}");
    private static final Set<String> KEYS = Set.of("id", "description", "types", "filter", "channel", "parameters", "transform", "retry", "ordered", "rateLimit", "maxInFlight");

    private final UnaryOperator<String> placeholders;
    private final RetrySchedule defaultRetry;
    private final String defaultKafkaBrokers;
    private final Targets targets;

    /** @param placeholders resolves {@code {{env:NAME}}}-style references (Camel's properties component) */
    public SubscriptionLoader(UnaryOperator<String> placeholders, RetrySchedule defaultRetry) {
        this(placeholders, defaultRetry, "127.0.0.1:9092");
    }

    /** @param defaultKafkaBrokers bootstrap servers for kafka-channel subscriptions that name none */
    public SubscriptionLoader(UnaryOperator<String> placeholders, RetrySchedule defaultRetry, String defaultKafkaBrokers) {
        this(placeholders, defaultRetry, defaultKafkaBrokers, null);
    }

    /** @param targets checks where each subscription connects, at load (null: not checked here, only at delivery) */
    public SubscriptionLoader(UnaryOperator<String> placeholders, RetrySchedule defaultRetry, String defaultKafkaBrokers,
                              Targets targets) {
        this.defaultKafkaBrokers = defaultKafkaBrokers;
        this.placeholders = placeholders;
        this.defaultRetry = defaultRetry;
        this.targets = targets;
    }

    public List<Subscription> load(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new SubscriptionConfigException(file, List.of("cannot read: " + e.getMessage()));
        }
        List<String> errors = new ArrayList<>();
        List<Subscription> out = new ArrayList<>();
        JsonNode list = root == null ? null : root.get("subscriptions");
        if (list == null || !list.isArray()) {
            throw new SubscriptionConfigException(file, List.of("the file must have a top-level 'subscriptions:' list"));
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode node = list.get(i);
            String where = "subscriptions[" + i + "]" + (node.hasNonNull("id") ? " (" + node.get("id").asText() + ")" : "");
            List<String> problems = new ArrayList<>();
            Subscription s = parse(node, problems);
            for (String p : problems) errors.add(where + ": " + p);
            String id = node.path("id").asText(null);
            if (id != null && !ids.add(id)) errors.add(where + ": id '" + id + "' is used twice; ids must be unique");
            if (s != null) out.add(s);
        }
        if (!errors.isEmpty()) throw new SubscriptionConfigException(file, errors);
        return out;
    }

    /** The subscription, or null with its problems added to {@code errors}. */
    private Subscription parse(JsonNode n, List<String> errors) {
        if (!n.isObject()) {
            errors.add("each subscription is a map with id, types, channel and parameters");
            return null;
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) errors.add("unknown key '" + k + "'; known keys are " + new java.util.TreeSet<>(KEYS));
        }
        String id = n.path("id").asText(null);
        if (id == null || !ID.matcher(id).matches()) {
            errors.add("id " + (id == null ? "is missing" : "'" + id + "' is not valid")
                    + "; write lower-case letters, digits, '.', '_' or '-', such as \"acme-orders\"");
        }
        List<TypePattern> types = new ArrayList<>();
        JsonNode t = n.get("types");
        if (t == null || !t.isArray() || t.isEmpty()) {
            errors.add("types is missing; list the event types to receive, such as [\"order.*\"] (\"*\" for all)");
        } else {
            for (JsonNode p : t) {
                try {
                    types.add(new TypePattern(p.asText()));
                } catch (IllegalArgumentException e) {
                    errors.add("types: " + e.getMessage());
                }
            }
        }
        ContentFilter filter = null;
        if (n.hasNonNull("filter")) {
            try {
                filter = ContentFilter.compile(n.get("filter"));
            } catch (IllegalArgumentException e) {
                errors.add(e.getMessage());
            }
        }
        String channel = n.path("channel").asText("webhook");
        URI url = null;
        List<byte[]> keys = List.of();
        java.time.Instant previousUntil = null;
        EmailTemplates email = null;
        Map<String, String> parameters = new LinkedHashMap<>();
        ChannelContract contract = ChannelContract.of(channel);
        if (contract == null) {
            errors.add("channel '" + channel + "' is not known; available channels: " + String.join(", ", ChannelContract.CHANNELS));
        } else {
            ObjectNode params = n.path("parameters").isObject() ? ((ObjectNode) n.get("parameters")).deepCopy() : Json.MAPPER.createObjectNode();
            // References in ordinary parameters ({{env:PARTNER_URL}}) are resolved before the check;
            // secret ones are resolved only where they are used, and must be references; in
            // templates, {{...}} is the template's own.
            for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (params.get(k).isTextual() && !contract.secretParameters().contains(k) && !contract.templateParameters().contains(k)) {
                    params.put(k, String.valueOf(resolve(params.get(k).asText(), k, errors)));
                }
            }
            errors.addAll(contract.check(params));
            params.fields().forEachRemaining(e -> {
                if (!contract.secretParameters().contains(e.getKey())) parameters.put(e.getKey(), e.getValue().asText());
            });
            // As written (before defaults): Herald's own Kafka brokers are not a subscription's target.
            Map<String, String> asWritten = Map.copyOf(parameters);
            switch (channel) {
                case "webhook" -> {
                    url = url(parameters.get("url"), errors);
                    byte[] current = secret(params, "secret", "secretFile", true, errors);
                    byte[] previous = secret(params, "previousSecret", "previousSecretFile", false, errors);
                    keys = current == null ? List.of() : previous == null ? List.of(current) : List.of(current, previous);
                    previousUntil = rotationEnd(params, previous != null, errors);
                }
                case "slack" -> url = url(reference(params, "url", errors), errors);
                case "kafka" -> parameters.putIfAbsent("brokers", defaultKafkaBrokers);
                case "email" -> {
                    String password = reference(params, "password", errors);
                    if (password != null) parameters.put("password", password);
                    try {
                        email = new EmailTemplates(parameters);
                    } catch (IllegalArgumentException e) {
                        errors.add(e.getMessage());
                    }
                }
                default -> { }
            }
            if (targets != null) errors.addAll(targets.problems(channel, url, asWritten));
        }
        Expression transform = null;
        if (n.hasNonNull("transform")) {
            try {
                transform = Parser.compileString(n.get("transform").asText());
            } catch (JsltException e) {
                errors.add("transform: " + e.getMessage() + " (a JSLT expression over the event, such as {\"order\": .data.orderId})");
            }
        }
        RetrySchedule retry = defaultRetry;
        if (n.hasNonNull("retry")) {
            try {
                List<String> delays = new ArrayList<>();
                n.get("retry").forEach(d -> delays.add(d.asText()));
                retry = RetrySchedule.of(delays, defaultRetry.jitter());
            } catch (IllegalArgumentException e) {
                errors.add("retry: " + e.getMessage() + " (a list such as [0s, 5s, 5m, 30m])");
            }
        }
        JsonNode ordered = n.path("ordered");
        if (!ordered.isMissingNode() && !ordered.isNull() && !ordered.isBoolean()) {
            errors.add("ordered: '" + ordered.asText() + "' is not true or false; write `ordered: true` to deliver each ordering key in order");
        }
        Subscription.Limits limits = limits(n, errors);
        if (!errors.isEmpty()) return null;
        return new Subscription(id, n.path("description").asText(null), List.copyOf(types), filter, channel, url, keys,
                Map.copyOf(parameters), transform, email, retry, ordered.asBoolean(false), previousUntil, limits);
    }

    /** Resolves {{...}} references in a non-secret parameter, such as a URL taken from the environment. */
    private String resolve(String text, String key, List<String> errors) {
        if (text == null || !text.contains("{{")) return text;
        try {
            return placeholders.apply(text);
        } catch (RuntimeException e) {
            errors.add("parameters." + key + " " + text + " cannot be resolved: " + e.getMessage());
            return null;
        }
    }

    private URI url(String text, List<String> errors) {
        if (text == null) return null; // reported by the channel contract
        try {
            URI u = new URI(text);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
                errors.add("parameters.url '" + text + "' must be an absolute http:// or https:// URL");
                return null;
            }
            return u;
        } catch (java.net.URISyntaxException e) {
            errors.add("parameters.url '" + text + "' is not a URL: " + e.getReason());
            return null;
        }
    }

    /** A secret parameter: must be a {{...}} reference; returns its resolved value, or null. */
    private String reference(JsonNode params, String key, List<String> errors) {
        String ref = params.path(key).asText(null);
        if (ref == null) return null;
        if (!PLACEHOLDER.matcher(ref.trim()).matches()) {
            errors.add("parameters." + key + " is written into the file; secrets never live in the repository."
                    + " Reference it instead, such as " + key + ": \"{{env:PARTNER_" + key.toUpperCase() + "}}\"");
            return null;
        }
        try {
            return placeholders.apply(ref.trim());
        } catch (RuntimeException e) {
            errors.add("parameters." + key + " " + ref.trim() + " is not set (" + e.getMessage() + "); set that environment variable or property");
            return null;
        }
    }

    /** A webhook signing secret from {@code refKey} (a reference) or {@code fileKey} (a file); null if absent or wrong. */
    private byte[] secret(JsonNode params, String refKey, String fileKey, boolean required, List<String> errors) {
        String ref = params.path(refKey).asText(null);
        String file = params.path(fileKey).asText(null);
        String value;
        if (ref != null && file != null) {
            errors.add("parameters: give " + refKey + " or " + fileKey + ", not both");
            return null;
        } else if (file != null) {
            try {
                value = Files.readString(Path.of(file)).trim();
            } catch (IOException e) {
                errors.add("parameters." + fileKey + " '" + file + "' cannot be read (" + e.getClass().getSimpleName() + ")");
                return null;
            }
        } else if (ref != null) {
            value = reference(params, refKey, errors);
            if (value == null) return null;
        } else {
            if (required) {
                errors.add("parameters.secret is missing; webhooks are always signed: secret: \"{{env:NAME}}\" or secretFile: path");
            }
            return null;
        }
        try {
            return WebhookSigner.decodeSecret(value);
        } catch (IllegalArgumentException e) {
            errors.add("parameters." + refKey + ": " + e.getMessage() + " (generate one with: bin/herald secret)");
            return null;
        }
    }

    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*/\\s*(s|m|h)");

    /** {@code rateLimit: 10/s} (or /m, /h) and {@code maxInFlight: 5}. */
    private static Subscription.Limits limits(JsonNode n, List<String> errors) {
        long interval = 0;
        String rateText = null;
        if (n.hasNonNull("rateLimit")) {
            rateText = n.get("rateLimit").asText().trim();
            var m = RATE.matcher(rateText);
            double perUnit = m.matches() ? Double.parseDouble(m.group(1)) : 0;
            if (perUnit <= 0) {
                errors.add("rateLimit: '" + rateText + "' is not a rate; write deliveries per second, minute or hour, such as \"10/s\" or \"600/m\"");
            } else {
                long unit = switch (m.group(2)) {
                    case "s" -> 1_000L;
                    case "m" -> 60_000L;
                    default -> 3_600_000L;
                };
                interval = Math.max(1, Math.round(unit / perUnit));
            }
        }
        int maxInFlight = 0;
        if (n.hasNonNull("maxInFlight")) {
            JsonNode v = n.get("maxInFlight");
            if (!v.canConvertToInt() || v.asInt() < 1 || !v.isIntegralNumber()) {
                errors.add("maxInFlight: '" + v.asText() + "' is not a whole number of at least 1, such as maxInFlight: 4");
            } else {
                maxInFlight = v.asInt();
            }
        }
        return interval == 0 && maxInFlight == 0 ? Subscription.Limits.NONE : new Subscription.Limits(interval, maxInFlight, rateText);
    }

    /** previousSecretUntil: required with a previous secret, an ISO-8601 instant. */
    private static java.time.Instant rotationEnd(JsonNode params, boolean rotating, List<String> errors) {
        String until = params.path("previousSecretUntil").asText(null);
        if (!rotating) {
            if (until != null) errors.add("parameters.previousSecretUntil is set but there is no previousSecret (or previousSecretFile)");
            return null;
        }
        if (until == null) {
            errors.add("parameters.previousSecretUntil is missing; say when the rotation ends, such as previousSecretUntil: \"2026-12-31T00:00:00Z\"");
            return null;
        }
        try {
            return java.time.Instant.parse(until);
        } catch (java.time.format.DateTimeParseException e) {
            errors.add("parameters.previousSecretUntil '" + until + "' is not an ISO-8601 instant such as 2026-12-31T00:00:00Z");
            return null;
        }
    }
}
