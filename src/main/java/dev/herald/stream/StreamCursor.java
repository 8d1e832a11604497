package dev.herald.stream;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A stream position as consumers see it: opaque text naming the subscription and the event's
 * number, so a cursor of one stream is never taken for another's.
 */
final class StreamCursor {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private StreamCursor() {}

    static String of(String subscriptionId, long seq) {
        return ENCODER.encodeToString((seq + ":" + subscriptionId).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The event number in a cursor of this subscription.
     *
     * @throws IllegalArgumentException saying why it is not one
     */
    static long seq(String subscriptionId, String cursor) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + abbreviate(cursor) + "' is not a cursor Herald gave");
        }
        int colon = text.indexOf(':');
        long seq;
        try {
            seq = colon < 0 ? -1 : Long.parseLong(text.substring(0, colon));
        } catch (NumberFormatException e) {
            seq = -1;
        }
        if (seq < 0) throw new IllegalArgumentException("'" + abbreviate(cursor) + "' is not a cursor Herald gave");
        if (!text.substring(colon + 1).equals(subscriptionId)) {
            throw new IllegalArgumentException("cursor '" + abbreviate(cursor) + "' belongs to another subscription's stream");
        }
        return seq;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
