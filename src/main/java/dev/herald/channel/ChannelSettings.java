package dev.herald.channel;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a subscription's channel parameters come to once read and checked: the text parameters the
 * channel uses at delivery (secrets resolved only where a channel needs them there), and what some
 * channels make of theirs — a checked URL, signing keys with the end of a rotation, mail templates.
 */
public record ChannelSettings(Map<String, String> parameters, URI url, List<byte[]> signingKeys, Instant previousKeyUntil,
                              EmailTemplates email) {

    static ChannelSettings of(Map<String, String> parameters) {
        return new ChannelSettings(Map.copyOf(parameters), null, List.of(), null, null);
    }

    /**
     * The keys that sign a webhook sent at {@code nowMillis}: the current one, and during a rotation
     * window ({@code previousKeyUntil}) the previous one too, so receivers can switch at their pace.
     */
    public List<byte[]> signingKeysAt(long nowMillis) {
        if (signingKeys.size() > 1 && previousKeyUntil != null && nowMillis < previousKeyUntil.toEpochMilli()) return signingKeys;
        return signingKeys.isEmpty() ? signingKeys : List.of(signingKeys.get(0));
    }
}
