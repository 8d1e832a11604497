package dev.herald.channel;

import dev.herald.deliver.EmailTemplates;
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
}
