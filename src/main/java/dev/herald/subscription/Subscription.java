package dev.herald.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import com.schibsted.spt.data.jslt.Expression;
import dev.herald.channel.ChannelSettings;
import dev.herald.channel.EmailTemplates;
import java.util.List;
import java.util.Map;
import dev.herald.event.TypePattern;

/**
 * One subscription, as loaded and checked from {@code config/subscriptions.yaml}. The secret is the
 * decoded signing keys (never written back, never logged: {@link #toString()} leaves them out).
 * {@code ordered}: deliveries with the same event {@code orderingkey} reach it one after another.
 * {@code partner}: the partner that made it over the partner API (it lives in the store), or null for
 * the platform's own (the file's).
 */
public record Subscription(
        String id,
        String description,
        List<TypePattern> types,
        ContentFilter filter,
        String channel,
        ChannelSettings settings,
        Expression transform,
        RetrySchedule retry,
        boolean ordered,
        Limits limits,
        String partner) {

    /**
     * At most one delivery every {@code intervalMillis} (0: no rate limit); at most {@code maxInFlight}
     * at once (0: no cap); a partner's subscription also at most one every {@code partnerIntervalMillis}
     * across all of its partner's subscriptions (the partner's rate quota; 0: none).
     */
    public record Limits(long intervalMillis, int maxInFlight, String rateText, long partnerIntervalMillis) {
        public static final Limits NONE = new Limits(0, 0, null);

        public Limits(long intervalMillis, int maxInFlight, String rateText) {
            this(intervalMillis, maxInFlight, rateText, 0);
        }
    }

    public Subscription(String id, String description, List<TypePattern> types, ContentFilter filter, String channel, URI url,
                        List<byte[]> signingKeys, Map<String, String> parameters, Expression transform, EmailTemplates email,
                        RetrySchedule retry, boolean ordered) {
        this(id, description, types, filter, channel, new ChannelSettings(parameters, url, signingKeys, null, email), transform, retry,
                ordered, Limits.NONE, null);
    }

    /** The channel's parameters as checked (no secret among them). */
    public Map<String, String> parameters() {
        return settings.parameters();
    }

    /** A webhook's or Slack's URL, checked. */
    public URI url() {
        return settings.url();
    }

    public boolean matches(String type, JsonNode event) {
        return types.stream().anyMatch(p -> p.matches(type)) && (filter == null || filter.matches(event));
    }

    @Override
    public String toString() {
        // A Slack URL carries its token: only a webhook's URL is shown.
        java.util.Map<String, String> shown = new java.util.TreeMap<>(parameters());
        shown.remove("password");
        return "Subscription[" + id + " " + types + " -> " + channel + " " + ("webhook".equals(channel) ? url() : shown) + "]";
    }
}
