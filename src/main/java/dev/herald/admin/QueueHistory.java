package dev.herald.admin;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Herald's queue depths over the last hour, for the console's charts: sampled every
 * {@link #PERIOD_SECONDS} s into a bounded ring kept in memory (nothing to store, nothing to set
 * up). Only the embedded broker's queues can be read this way; an external broker's depths are in
 * its own metrics.
 */
public final class QueueHistory {

    public static final int PERIOD_SECONDS = 10;
    /** An hour of samples. */
    static final int KEEP = 360;

    private record Sample(long at, long[] depths) {}

    private final List<String> queues;
    private final ToLongFunction<String> depth;
    private final Deque<Sample> samples = new ArrayDeque<>();

    /** @param depth a queue's depth now; null when Herald cannot read them (an external broker) */
    public QueueHistory(List<String> queues, ToLongFunction<String> depth) {
        this.queues = List.copyOf(queues);
        this.depth = depth;
    }

    public void sample() {
        if (depth == null) return;
        long[] now = new long[queues.size()];
        for (int i = 0; i < now.length; i++) now[i] = depth.applyAsLong(queues.get(i));
        synchronized (samples) {
            samples.addLast(new Sample(System.currentTimeMillis(), now));
            while (samples.size() > KEEP) samples.removeFirst();
        }
    }

    /** Each queue with its samples, oldest first. */
    public Map<String, Object> view() {
        List<Sample> copy;
        synchronized (samples) {
            copy = new ArrayList<>(samples);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < queues.size(); i++) {
            int q = i;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", queues.get(i));
            m.put("points", copy.stream().map(s -> Map.of("at", Instant.ofEpochMilli(s.at()).toString(), "depth", s.depths()[q])).toList());
            out.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sampleSeconds", PERIOD_SECONDS);
        m.put("queues", depth == null ? List.of() : out);
        if (depth == null) m.put("note", "an external broker: its queue depths are in the broker's own metrics");
        return m;
    }
}
