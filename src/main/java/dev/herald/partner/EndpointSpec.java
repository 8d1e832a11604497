package dev.herald.partner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.channel.ChannelSettings;
import dev.herald.channel.PartnerMail;
import dev.herald.channel.Targets;
import dev.herald.deliver.OperationalEvents;
import dev.herald.event.EventCatalog;
import dev.herald.event.Json;
import dev.herald.event.TypePattern;
import dev.herald.http.HttpProblem;
import dev.herald.subscription.ContentFilter;
import dev.herald.subscription.RetrySchedule;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionReader;
import dev.herald.yaml.DidYouMean;
import dev.herald.yaml.Problems;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A partner's subscription as the partner API takes it: checked with the same readers as the
 * subscriptions file (types, content filter, rate, retry), plus what partners may not do that the
 * platform may — subscribe to types the catalog keeps from partners, send above their quota, retry
 * beyond the bounds, or point at a non-public address (the partners' guard has no allow-list of
 * the platform's). A webhook ({@code url}), a stream ({@code stream}: kept for the partner's
 * consumers to take), or an email address ({@code email}) for Herald's operational events only,
 * mailed through the platform's server. Kept in the store as the checked
 * JSON ({@code spec}).
 */
final class EndpointSpec {

    /** The part of a subscription's id the partner chooses (the id is {@code partnerId.name}). */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,35}");
    static final Set<String> KEYS = new TreeSet<>(Set.of("name", "description", "url", "email", "stream", "types", "filter", "rateLimit",
            "retry", "enabled"));
    static final int MOST_TYPES = 20;
    static final int MOST_RETRIES = 12;
    static final Duration LONGEST_DELAY = Duration.ofDays(1);
    static final int LONGEST_URL = 2048;
    /** An address as RFC 5321 bounds it, with nothing a mail header or a template could take for more. */
    static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`|~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    static final int LONGEST_EMAIL = 254;

    /**
     * What every check needs: the catalog, the partners' guard, the platform's default schedule, and
     * the SMTP server partners' email subscriptions go through (null: the platform offers none).
     */
    record Rules(EventCatalog catalog, Targets targets, RetrySchedule defaultRetry, Map<String, String> mailServer) {}

    private EndpointSpec() {}

    /**
     * The checked spec: {@code body} over {@code base} (null when creating). A field given as null is
     * removed (filter, rateLimit, retry, description).
     *
     * @throws HttpProblem 400 listing every problem
     */
    static ObjectNode check(JsonNode body, ObjectNode base, int maxRatePerSecond, Rules rules) {
        Problems problems = new Problems();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                String guess = DidYouMean.closest(k, KEYS, 2);
                problems.add("unknown field '" + k + "'", (guess == null ? "" : "did you mean " + guess + "? ") + "the fields are " + KEYS);
            }
        }
        ObjectNode spec = base == null ? Json.MAPPER.createObjectNode() : base.deepCopy();
        for (String k : List.of("description", "url", "email", "stream", "types", "filter", "rateLimit", "retry")) {
            if (!body.has(k)) continue;
            if (body.get(k).isNull()) spec.remove(k);
            else spec.set(k, body.get(k));
        }
        boolean mail = spec.hasNonNull("email");
        long kinds = List.of("url", "email", "stream").stream().filter(spec::hasNonNull).count();
        if (kinds > 1) {
            problems.add("more than one of url, email and stream is given", "a subscription is a webhook (url), an email address (email)"
                    + " or a stream (stream); to switch, set the others to null");
        } else if (spec.hasNonNull("stream")) {
            stream(spec.get("stream"), problems);
        } else if (mail) {
            email(spec.get("email"), problems, rules.mailServer());
        } else {
            url(spec.get("url"), problems, rules.targets());
        }
        types(spec.get("types"), problems, rules.catalog(), mail);
        if (spec.hasNonNull("description") && (!spec.get("description").isTextual() || spec.get("description").asText().length() > 500)) {
            problems.add("description is not text of at most 500 characters", "say what the endpoint is for, briefly");
        }
        if (spec.hasNonNull("filter")) ContentFilter.compile(spec.get("filter"), problems.at("filter"));
        rate(spec.get("rateLimit"), maxRatePerSecond, problems);
        retry(spec.get("retry"), problems, rules.defaultRetry());
        if (!problems.isEmpty()) throw new HttpProblem(400, problems.all().stream()
                .map(p -> p.what() + " (" + p.fix() + ")").collect(Collectors.joining("; ")));
        return spec;
    }

    /** A stream: {@code {}} or {@code {"mode": "broadcast"|"group"}}. */
    private static void stream(JsonNode v, Problems problems) {
        if (!v.isObject()) {
            problems.add("stream is not an object", "write {\"mode\": \"broadcast\"} (every consumer sees every event) or"
                    + " {\"mode\": \"group\"} (the consumers share them)");
            return;
        }
        for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("mode")) problems.add("stream: unknown field '" + k + "'", "a stream takes only mode");
        }
        String mode = v.path("mode").asText("broadcast");
        if (!mode.equals("broadcast") && !mode.equals("group")) {
            problems.add("stream.mode '" + abbreviate(mode) + "' is not broadcast or group",
                    "broadcast: every consumer sees every event; group: the consumers share them, each taken by one");
        }
    }

    private static void url(JsonNode v, Problems problems, Targets targets) {
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            problems.add("url is missing", "give the https URL Herald should POST the events to");
            return;
        }
        String text = v.asText();
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            problems.add("url '" + abbreviate(text) + "' is not a URL: " + e.getReason(), "write one such as https://hooks.example.com/herald");
            return;
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null || text.length() > LONGEST_URL) {
            problems.add("url '" + abbreviate(text) + "' is not an http(s) URL with a host, of at most " + LONGEST_URL + " characters",
                    "write one such as https://hooks.example.com/herald");
        } else if (url.getRawUserInfo() != null) {
            problems.add("url has a user name or password in it", "leave them out: Herald signs every request instead");
        } else {
            for (String refused : targets.url(url)) {
                problems.add("url: " + refused.replaceFirst("^parameters\\.url: ", ""), "give a public address");
            }
        }
    }

    private static void email(JsonNode v, Problems problems, Map<String, String> mailServer) {
        String text = v.isTextual() ? v.asText() : "";
        if (mailServer == null) {
            problems.add("email: the platform sends partners no email", "subscribe a webhook (url) instead, or ask the platform");
        } else if (text.length() > LONGEST_EMAIL || !EMAIL.matcher(text).matches()) {
            problems.add("email '" + abbreviate(text) + "' is not one email address", "write one such as ops@example.com");
        }
    }

    private static void types(JsonNode v, Problems problems, EventCatalog catalog, boolean mail) {
        Problems at = problems.at("types");
        List<TypePattern> patterns = SubscriptionReader.types(v, at);
        if (v != null && v.isArray() && v.size() > MOST_TYPES) {
            problems.add("types has " + v.size() + " patterns", "give at most " + MOST_TYPES + " (a pattern such as order.* takes many)");
        }
        List<String> offered = catalog.forPartners().stream().map(EventCatalog.Entry::type).toList();
        for (TypePattern p : patterns) {
            if (offered.stream().noneMatch(p::matches)) {
                problems.add("types: '" + p.text() + "' matches no event type partners may receive",
                        offered.isEmpty() ? "the platform offers none yet" : "the catalog offers " + String.join(", ", offered)
                                + " (GET /partner/v1/event-types)");
            } else if (mail && offered.stream().filter(p::matches).anyMatch(t -> !OperationalEvents.isOperational(t))) {
                problems.add("types: '" + p.text() + "' matches event types that are not Herald's operational events",
                        "an email subscription takes " + String.join(", ", offered.stream().filter(OperationalEvents::isOperational)
                                .toList()) + " (or herald.*); subscribe a webhook to the others");
            }
        }
    }

    private static void rate(JsonNode v, int maxRatePerSecond, Problems problems) {
        if (v == null) return;
        double perSecond = SubscriptionReader.ratePerSecond(v, problems.at("rateLimit"));
        if (perSecond > maxRatePerSecond) {
            problems.add("rateLimit '" + v.asText() + "' is above your quota of " + maxRatePerSecond + "/s",
                    "ask for at most " + maxRatePerSecond + "/s, or ask the platform to raise your quota");
        }
    }

    private static RetrySchedule retry(JsonNode v, Problems problems, RetrySchedule defaultRetry) {
        if (v == null) return defaultRetry;
        RetrySchedule r = SubscriptionReader.retry(v, problems.at("retry"), defaultRetry);
        if (v.isArray() && v.size() > MOST_RETRIES) {
            problems.add("retry has " + v.size() + " delays", "give at most " + MOST_RETRIES + " attempts");
        }
        if (r != defaultRetry && r.delays().stream().anyMatch(d -> d.compareTo(LONGEST_DELAY) > 0)) {
            problems.add("retry waits longer than a day between two attempts", "keep each delay at most 24h");
        }
        return r;
    }

    /** The subscription the registry matches and delivers to, from a checked spec. */
    static Subscription subscription(String id, String partner, JsonNode spec, List<byte[]> keys, Instant previousUntil,
                                     int maxRatePerSecond, Rules rules) {
        Problems ignored = new Problems(); // checked when it was stored
        List<TypePattern> types = SubscriptionReader.types(spec.get("types"), ignored);
        ContentFilter filter = spec.hasNonNull("filter") ? ContentFilter.compile(spec.get("filter"), ignored) : null;
        RetrySchedule retry = retry(spec.get("retry"), ignored, rules.defaultRetry());
        long interval = spec.hasNonNull("rateLimit") ? SubscriptionReader.rateLimit(spec.get("rateLimit"), ignored)
                : Math.max(1, Math.round(1000.0 / maxRatePerSecond));
        String rateText = spec.hasNonNull("rateLimit") ? spec.get("rateLimit").asText() : maxRatePerSecond + "/s";
        // The partner's quota bounds each subscription and, shared, all of them together.
        Subscription.Limits limits = new Subscription.Limits(interval, 0, rateText, Math.max(1, Math.round(1000.0 / maxRatePerSecond)));
        if (spec.hasNonNull("email")) {
            // A mailer the platform has since taken away refuses each attempt, as a subscription gone wrong.
            ChannelSettings mail = PartnerMail.to(rules.mailServer() == null ? Map.of() : rules.mailServer(), spec.get("email").asText());
            return new Subscription(id, spec.path("description").asText(null), types, filter, "email", mail, null, retry, false, limits,
                    partner);
        }
        if (spec.hasNonNull("stream")) {
            ChannelSettings kept = new ChannelSettings(Map.of("mode", spec.get("stream").path("mode").asText("broadcast")), null, List.of(),
                    null, null);
            return new Subscription(id, spec.path("description").asText(null), types, filter, "stream", kept, null, retry, false, limits,
                    partner);
        }
        URI url = URI.create(spec.path("url").asText());
        ChannelSettings settings = new ChannelSettings(Map.of("url", url.toString()), url, keys, previousUntil, null);
        return new Subscription(id, spec.path("description").asText(null), types, filter, "webhook", settings, null, retry, false,
                limits, partner);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
