package dev.herald.channel;

import dev.herald.net.AddressGuard;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import org.apache.camel.Message;

/**
 * What the HTTP channels (webhook, Slack) share: who they say they are, how much answer they keep,
 * how long they wait, and the SSRF guard every request passes.
 */
abstract class HttpChannel implements Channel {

    protected final String userAgent;
    protected final int excerptBytes;
    protected final Duration timeout;
    private final AddressGuard guard;
    private final boolean strict;

    /** @param strict a name that does not resolve at the check is not looked up again by the client (partners' URLs) */
    HttpChannel(String userAgent, int excerptBytes, Duration timeout, AddressGuard guard, boolean strict) {
        this.userAgent = userAgent;
        this.excerptBytes = excerptBytes;
        this.timeout = timeout;
        this.guard = guard;
        this.strict = strict;
    }

    /**
     * Aims the request at {@code url} once its host is checked: a non-public address fails the
     * delivery for good; the checked addresses are pinned for the connection (no second lookup). A
     * name that does not resolve now is left to the connection, which checks it again, and retried.
     */
    protected void target(Message m, URI url) {
        try {
            InetAddress[] addresses = guard.check(url);
            guard.pin(url.getHost(), addresses);
            m.getExchange().setProperty(ADDRESSES, addresses);
        } catch (AddressGuard.Refused e) {
            throw new PermanentFailure(e.getMessage());
        } catch (UnknownHostException e) {
            guard.unpin();
            // Strict: no addresses, so the call fails (and is retried) instead of the client resolving
            // the name itself through the platform's guard, whose allow-list is not the partners'.
            if (strict) m.getExchange().setProperty(ADDRESSES, new InetAddress[0]);
            else m.getExchange().removeProperty(ADDRESSES);
        }
        HttpAnswers.post(m, url.toString(), userAgent);
    }

    @Override
    public boolean viaHttp() {
        return true;
    }

    /** The request is over: the pin must not outlive it. */
    protected void done() {
        guard.unpin();
    }
}
