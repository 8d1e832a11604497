package dev.herald.channel;

import java.time.Duration;

/** What the HTTP channels (webhook, Slack) share: who they say they are, how much answer they keep, how long they wait. */
abstract class HttpChannel implements Channel {

    protected final String userAgent;
    protected final int excerptBytes;
    protected final Duration timeout;

    HttpChannel(String userAgent, int excerptBytes, Duration timeout) {
        this.userAgent = userAgent;
        this.excerptBytes = excerptBytes;
        this.timeout = timeout;
    }
}
