package dev.herald.partner;

import dev.herald.store.PartnerQueries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An endpoint's attempts as a time series: equal buckets with counts and latency percentiles, for charts. */
final class EndpointSeries {

    /** The most attempts one series reads (the latest): enough for a day at 10 a minute per endpoint, bounded for a busy one. */
    static final int MOST_POINTS = 20_000;

    private EndpointSeries() {}

    static Map<String, Object> of(List<PartnerQueries.Point> points, Instant end, Duration span, int buckets) {
        long width = span.toMillis() / buckets;
        long start = end.toEpochMilli() - width * buckets;
        List<List<PartnerQueries.Point>> byBucket = new ArrayList<>();
        for (int i = 0; i < buckets; i++) byBucket.add(new ArrayList<>());
        for (PartnerQueries.Point p : points) {
            int i = (int) ((p.at().toEpochMilli() - start) / width);
            if (i >= 0 && i < buckets) byBucket.get(i).add(p);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < buckets; i++) {
            List<PartnerQueries.Point> in = byBucket.get(i);
            int[] latencies = in.stream().mapToInt(PartnerQueries.Point::latencyMs).sorted().toArray();
            long ok = in.stream().filter(PartnerQueries.Point::succeeded).count();
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

    /** Nearest-rank percentile; null for no values. */
    private static Integer percentile(int[] sorted, double q) {
        if (sorted.length == 0) return null;
        int rank = Math.max(0, (int) Math.ceil(q * sorted.length) - 1);
        return sorted[Math.min(sorted.length - 1, rank)];
    }
}
