package dev.herald.stream;

import dev.herald.http.HttpProblem;
import dev.herald.store.StreamQueries;
import dev.herald.subscription.Durations;
import java.time.Duration;
import java.util.regex.Pattern;

/** What the three ways of taking a stream read alike from a request: the consumer's name, where to start, the errors. */
final class StreamReads {

    /** A consumer's name: chosen by the client, shown in the attempt log and the portal. */
    static final Pattern CONSUMER = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private StreamReads() {}

    static String consumer(String given, String fallback) {
        if (given == null || given.isEmpty()) return fallback;
        if (!CONSUMER.matcher(given).matches()) {
            throw new HttpProblem(400, "consumer '" + abbreviate(given) + "' is not a consumer name: use 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return given;
    }

    /**
     * The position a cursor (or {@code earliest}, {@code latest}) names in this stream.
     *
     * @throws HttpProblem 400 for a cursor that is not this stream's or is ahead of it, 410 for one behind retention
     */
    static long position(String subscriptionId, String cursor, StreamQueries.Head head) {
        long p;
        if (cursor.equals("earliest")) return head.trimmedThrough();
        if (cursor.equals("latest")) return head.last();
        try {
            p = StreamCursor.seq(subscriptionId, cursor);
        } catch (IllegalArgumentException e) {
            throw new HttpProblem(400, e.getMessage() + "; resume from a cursor this stream gave, or from after=earliest / after=latest");
        }
        if (p > head.last()) throw new HttpProblem(400, "the cursor is ahead of the stream (a cursor Herald gave never is)");
        requireKept(subscriptionId, p, head);
        return p;
    }

    /** 410 when {@code position} is before what retention kept. */
    static void requireKept(String subscriptionId, long position, StreamQueries.Head head) {
        if (position < head.trimmedThrough()) throw new HttpProblem(410, behind(subscriptionId, position, head));
    }

    static String behind(String subscriptionId, long position, StreamQueries.Head head) {
        return "your position in stream '" + subscriptionId + "' is behind its retention window: " + (head.trimmedThrough() - position)
                + " event(s) after it expired before you took them (events no consumer acknowledged are dead letters, which can be"
                + " replayed); resume from the oldest kept event with after=earliest";
    }

    /** How long a long poll may wait: {@code wait=30s} (or seconds), at most herald.streams.longest-wait. */
    static Duration wait(String text, Duration longest) {
        if (text == null || text.isEmpty()) return Duration.ZERO;
        Duration d;
        try {
            d = text.matches("\\d{1,6}") ? Duration.ofSeconds(Long.parseLong(text)) : Durations.parse(text);
        } catch (RuntimeException e) {
            throw new HttpProblem(400, "wait '" + abbreviate(text) + "' is not a duration: write 30s (or 30), at most " + Durations.format(longest));
        }
        if (d.isNegative() || d.compareTo(longest) > 0) {
            throw new HttpProblem(400, "wait " + text + " is longer than a long poll may wait (" + Durations.format(longest) + ")");
        }
        return d;
    }

    static int limit(String text, int largest) {
        if (text == null) return Math.min(100, largest);
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= largest) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new HttpProblem(400, "limit must be a whole number from 1 to " + largest + ", not '" + abbreviate(text) + "'");
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
