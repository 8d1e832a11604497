package dev.herald.stream;

import java.time.Duration;

/**
 * How streams behave (herald.streams.*): how long events are kept, how many a connection holds
 * unacknowledged, how long a group's consumer holds an event, the timeouts, and the connection limits.
 */
public record StreamSettings(Duration retention, int window, Duration visibility, Duration keepAlive, Duration idleTimeout,
                             Duration authTimeout, Duration longestWait, Duration headPoll, int maxConnectionsPerPartner,
                             int maxConnections) {}
