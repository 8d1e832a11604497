package dev.herald.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.schibsted.spt.data.jslt.Expression;
import dev.herald.event.Json;
import dev.herald.net.AddressGuard;
import java.time.Duration;
import java.util.Map;

/** The channels Herald has, by the name subscriptions use (each with its contract: {@link ChannelContract}). */
public final class Channels {

    private final Map<String, Channel> byName;
    private final Channel partnerWebhook;

    /** @param defaultKafkaBrokers herald.kafka.brokers: Herald's own Kafka, which the guard does not judge */
    public Channels(String userAgent, int excerptBytes, Duration timeout, Targets targets, String defaultKafkaBrokers) {
        this(userAgent, excerptBytes, timeout, targets, new AddressGuard(""), defaultKafkaBrokers);
    }

    /** @param partnerGuard the guard partners' webhooks pass: its own allow-list (herald.partners.ssrf.allow), empty by default */
    public Channels(String userAgent, int excerptBytes, Duration timeout, Targets targets, AddressGuard partnerGuard,
                    String defaultKafkaBrokers) {
        partnerWebhook = new WebhookChannel(userAgent, excerptBytes, timeout, partnerGuard, true);
        byName = Map.of(
                "webhook", new WebhookChannel(userAgent, excerptBytes, timeout, targets.guard(), false),
                "slack", new SlackChannel(userAgent, excerptBytes, timeout, targets.guard()),
                "email", new EmailChannel(timeout, targets),
                "kafka", new KafkaChannel(timeout, targets, defaultKafkaBrokers),
                "endpoint", new EndpointChannel(timeout, targets),
                "stream", new StreamChannel());
    }

    /**
     * What a subscription sends for an event: its transform of the event, else the channel's default
     * shape, else the event itself.
     *
     * @throws Channel.PermanentFailure when the transform fails on this event (it would on every retry)
     */
    public byte[] payload(Expression transform, String channel, JsonNode event) {
        Expression shape = transform != null ? transform : get(channel).defaultShape();
        try {
            return Json.bytes(shape == null ? event : shape.apply(event));
        } catch (RuntimeException e) {
            throw new Channel.PermanentFailure("the subscription's transform failed on this event: " + e.getMessage());
        }
    }

    /** The channel a subscription's deliveries go through: a partner's webhooks through the partners' guard. */
    public Channel get(String name, boolean partners) {
        return partners && "webhook".equals(name) ? partnerWebhook : get(name);
    }

    public Channel get(String name) {
        Channel c = byName.get(name);
        if (c == null) throw new IllegalArgumentException("no channel '" + name + "'");
        return c;
    }
}
