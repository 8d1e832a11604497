package dev.herald.admin;

import dev.herald.http.HttpProblem;
import dev.herald.store.AdminQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A subscription's attempts as a time series: equal buckets with counts and latency percentiles, for the console's and the portal's charts. */
public final class AttemptSeries {

    /** The most attempts one series reads (the latest): enough for a day at 10 a minute per endpoint, bounded for a busy one. */
    public static final int MOST_POINTS = 20_000;

    private AttemptSeries() {}

    public static Map<String, Object> of(List<AdminQueries.Point> points, Instant end, Duration span, int buckets) {
        long width = span.toMillis() / buckets;
        long start = end.toEpochMilli() - width * buckets;
        List<List<AdminQueries.Point>> byBucket = new ArrayList<>();
        for (int i = 0; i < buckets; i++) byBucket.add(new ArrayList<>());
        for (AdminQueries.Point p : points) {
            int i = (int) ((p.at().toEpochMilli() - start) / width);
            if (i >= 0 && i < buckets) byBucket.get(i).add(p);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < buckets; i++) {
            List<AdminQueries.Point> in = byBucket.get(i);
            int[] latencies = in.stream().mapToInt(AdminQueries.Point::latencyMs).sorted().toArray();
            long ok = in.stream().filter(AdminQueries.Point::succeeded).count();
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("start", Instant.ofEpochMilli(start + i * width).toString());
            b.put("succeeded", ok);
            b.put("failed", in.size() - ok);
            b.put("p50", percentile(latencies, 0.50));
            b.put("p99", percentile(latencies, 0.99));
            out.add(b);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bucketSeconds", width / 1000);
        m.put("sampled", points.size() >= MOST_POINTS);
        m.put("buckets", out);
        return m;
    }

    /** The {@code hours} query parameter: 1-168, 24 when absent. */
    public static int hours(String text) {
        if (text == null) return 24;
        try {
            int h = Integer.parseInt(text);
            if (h >= 1 && h <= 168) return h;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new HttpProblem(400, "hours must be a whole number from 1 to 168, not '" + text + "'");
    }

    /** Nearest-rank percentile; null for no values. */
    private static Integer percentile(int[] sorted, double q) {
        if (sorted.length == 0) return null;
        int rank = Math.max(0, (int) Math.ceil(q * sorted.length) - 1);
        return sorted[Math.min(sorted.length - 1, rank)];
    }
}
