package dev.herald.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.schibsted.spt.data.jslt.Expression;
import dev.herald.event.Json;
import dev.herald.net.AddressGuard;
import dev.herald.subscription.Subscription;
import java.time.Duration;
import java.util.Map;

/** The channels Herald has, by the name subscriptions use (each with its contract: {@link ChannelContract}). */
public final class Channels {

    private final Map<String, Channel> byName;

    public Channels(String userAgent, int excerptBytes, Duration timeout, AddressGuard guard) {
        byName = Map.of(
                "webhook", new WebhookChannel(userAgent, excerptBytes, timeout, guard),
                "slack", new SlackChannel(userAgent, excerptBytes, timeout, guard),
                "email", new EmailChannel(timeout),
                "kafka", new KafkaChannel(timeout),
                "endpoint", new EndpointChannel(timeout));
    }

    /**
     * What a subscription sends for an event: its transform of the event, else the channel's default
     * shape, else the event itself.
     *
     * @throws Channel.PermanentFailure when the transform fails on this event (it would on every retry)
     */
    public byte[] payload(Subscription s, JsonNode event) {
        Expression shape = s.transform() != null ? s.transform() : get(s.channel()).defaultShape();
        try {
            return Json.bytes(shape == null ? event : shape.apply(event));
        } catch (RuntimeException e) {
            throw new Channel.PermanentFailure("the subscription's transform failed on this event: " + e.getMessage());
        }
    }

    public Channel get(String name) {
        Channel c = byName.get(name);
        if (c == null) throw new IllegalArgumentException("no channel '" + name + "'");
        return c;
    }
}
