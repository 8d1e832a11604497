package dev.herald.channel;

import java.time.Duration;
import java.util.Map;

/** The channels Herald has, by the name subscriptions use (each with its contract: {@link ChannelContract}). */
public final class Channels {

    private final Map<String, Channel> byName;

    public Channels(String userAgent, int excerptBytes, Duration timeout) {
        byName = Map.of(
                "webhook", new WebhookChannel(userAgent, excerptBytes, timeout),
                "slack", new SlackChannel(userAgent, excerptBytes, timeout),
                "email", new EmailChannel(timeout),
                "kafka", new KafkaChannel(timeout),
                "endpoint", new EndpointChannel(timeout));
    }

    public Channel get(String name) {
        Channel c = byName.get(name);
        if (c == null) throw new IllegalArgumentException("no channel '" + name + "'");
        return c;
    }
}
