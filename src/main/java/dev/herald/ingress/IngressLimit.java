package dev.herald.ingress;

import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import dev.herald.event.EventFactory;
import dev.herald.event.RejectedEventException;

/**
 * The size limit of every ingress, checked before an integrator's route does anything with the
 * message (the {@code herald-ingress} route configuration runs it first): a message larger than the
 * limit is rejected with its size and the limit, and nothing parses it.
 */
public final class IngressLimit {

    private final int maxBytes;

    public IngressLimit(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public void check(Exchange exchange) {
        long size = size(exchange.getMessage().getBody());
        if (size > maxBytes) {
            throw new RejectedEventException("the message is " + size + " bytes; the limit is " + maxBytes
                    + " (herald.accept.max-event-bytes)");
        }
    }

    /** The body's size in bytes as it arrived (text as UTF-8), without copying it; -1 when it cannot tell. */
    static long size(Object body) {
        if (body == null) return 0;
        if (body instanceof byte[] b) return b.length;
        if (body instanceof CharSequence s) return utf8Length(s);
        if (body instanceof StreamCache c) return c.length();
        return -1; // a stream or an object: EventFactory checks the bytes the route hands over
    }

    private static long utf8Length(CharSequence s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) n++;
            else if (c < 0x800) n += 2;
            else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else n += 3;
        }
        return n;
    }
}
