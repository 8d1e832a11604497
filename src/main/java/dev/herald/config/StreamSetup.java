package dev.herald.config;

import dev.herald.stream.StreamSettings;

/** The streams' settings (herald.streams.*), each documented in config/application.properties. */
final class StreamSetup {

    private StreamSetup() {}

    static StreamSettings settings(Settings cfg) {
        int window = cfg.integer("herald.streams.window");
        if (window < 1 || window > 1000) {
            throw new IllegalArgumentException("herald.streams.window is " + window + ": give 1 to 1000 events a connection may hold unacknowledged");
        }
        return new StreamSettings(cfg.duration("herald.streams.retention"), window, cfg.duration("herald.streams.visibility-timeout"),
                cfg.duration("herald.streams.keep-alive"), cfg.duration("herald.streams.idle-timeout"),
                cfg.duration("herald.streams.auth-timeout"), cfg.duration("herald.streams.longest-wait"),
                cfg.duration("herald.streams.head-poll"), cfg.integer("herald.streams.max-connections-per-partner"),
                cfg.integer("herald.streams.max-connections"));
    }
}
