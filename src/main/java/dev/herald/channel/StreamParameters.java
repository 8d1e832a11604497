package dev.herald.channel;

import java.util.LinkedHashMap;
import java.util.Map;

/** A stream's consumers: broadcast unless the subscription says group. */
final class StreamParameters implements ParameterReader {

    @Override
    public ChannelSettings read(Parameters p) {
        Map<String, String> values = new LinkedHashMap<>(p.values());
        values.putIfAbsent("mode", "broadcast");
        return ChannelSettings.of(values);
    }
}
