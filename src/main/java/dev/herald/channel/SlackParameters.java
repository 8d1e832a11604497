package dev.herald.channel;

import java.net.URI;
import java.util.List;
import java.util.Map;

/** A Slack incoming webhook: its URL carries Slack's token, so it is a secret reference. */
final class SlackParameters implements ParameterReader {

    @Override
    public ChannelSettings read(Parameters p) {
        URI url = p.httpUrl("url", p.secret("url"));
        if (url != null && p.targets() != null) {
            p.refused("url", p.targets().url(url), "point it at Slack's hooks.slack.com URL");
        }
        return new ChannelSettings(Map.copyOf(p.values()), url, List.of(), null, null);
    }
}
