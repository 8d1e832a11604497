package dev.herald.channel;

/** Any Camel endpoint, judged by its component: where it connects, and never Herald's own queues. */
final class EndpointParameters implements ParameterReader {

    @Override
    public ChannelSettings read(Parameters p) {
        if (p.value("uri") != null && p.targets() != null) {
            p.refused("uri", p.targets().endpoint(p.value("uri")), "see the endpoint channel in docs/channels.md");
        }
        return ChannelSettings.of(p.values());
    }
}
