package dev.herald.perf;

import dev.herald.http.ApiKeys;
import dev.herald.support.Http;
import dev.herald.support.PartnerClient;
import dev.herald.support.TestHerald;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * A partner's quota of waiting deliveries under a burst (bench/quota.sh): partners "capped" (quota Q)
 * and "open" (quota far above N), each with one endpoint that is down (a closed port), each sent
 * the same N events over POST /events in batches of 100, one after the other in the same Herald,
 * two rounds alternating. Prints, for each: the accept rate, how many deliveries wait at the end and how many were
 * refused as dead letters — so the quota's overshoot (a soft bound: the store's count is read every
 * herald.partners.queued-check-interval) and what the check costs at accept (capped against open).
 */
public final class QuotaBenchmark {

    private static final String ADMIN_KEY = ApiKeys.newKey();

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0].replace(",", "")) : 50_000;
        int quota = args.length > 1 ? Integer.parseInt(args[1].replace(",", "")) : 10_000;
        if (n < 100 || n > 1_000_000 || quota < 1) throw new IllegalArgumentException("usage: QuotaBenchmark [N 100..1,000,000] [QUOTA]");
        int closed = TestHerald.freePort(); // nothing listens there: every attempt fails at once
        long limit = System.nanoTime() + 20L * 60 * 1_000_000_000L; // the whole run, bounded
        try (TestHerald herald = TestHerald.start("subscriptions: []\n", Map.of("herald.http.admin-keys", "ops:" + ApiKeys.hash(ADMIN_KEY),
                "herald.partners.ssrf.allow", "127.0.0.1:" + closed))) {
            System.out.printf("quota: %,d events each for partner 'open' (no effective quota) and 'capped' (maxQueued %,d), endpoint down;"
                    + " %d cores, %s%n", n, quota, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            // Two rounds, alternating, so neither side has the JIT's warm-up to itself.
            String q = String.valueOf(quota);
            for (String[] p : new String[][] {{"open-1", "10000000"}, {"capped-1", q}, {"open-2", "10000000"}, {"capped-2", q}}) {
                PartnerClient partner = PartnerClient.create(herald, ADMIN_KEY, p[0], "{\"maxQueued\": " + p[1] + "}");
                partner.subscribe("{\"name\": \"down\", \"url\": \"http://127.0.0.1:" + closed + "/down\", \"types\": [\"order.*\"],"
                        + " \"retry\": [\"0s\", \"1h\"]}");
                long start = System.nanoTime();
                for (int sent = 0; sent < n && System.nanoTime() < limit; sent += 100) post(herald, p[0], sent, Math.min(100, n - sent));
                double seconds = (System.nanoTime() - start) / 1e9;
                // Everything accepted has reached the store: waiting + dead = n.
                long waiting = 0, dead = 0;
                while (System.nanoTime() < limit) {
                    waiting = count(herald, "select count(*) as n from deliveries where subscription_id = ? and status in"
                            + " ('pending', 'retrying', 'deferred')", p[0] + ".down");
                    dead = count(herald, "select count(*) as n from dead_letters where subscription_id = ?", p[0] + ".down");
                    if (waiting + dead >= n) break;
                    Thread.sleep(500);
                }
                System.out.printf("%-8s accepted %,d in %.1f s (%,.0f ev/s); waiting %,d, refused as dead letters %,d; over the quota by %,d%n",
                        p[0], n, seconds, n / seconds, waiting, dead, Math.max(0, waiting - Long.parseLong(p[1])));
            }
        }
    }

    private static void post(TestHerald herald, String partner, int from, int count) throws Exception {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            if (i > 0) b.append(',');
            String id = partner + "-" + (from + i);
            b.append("{\"specversion\": \"1.0\", \"id\": \"").append(id).append("\", \"source\": \"urn:bench\", \"type\": \"order.created\",")
                    .append(" \"partnerid\": \"").append(partner).append("\", \"data\": {\"orderId\": \"").append(id).append("\"}}");
        }
        HttpResponse<String> r = Http.post(herald.http("/events"), "application/cloudevents-batch+json", b.append(']').toString(),
                "Authorization", "Bearer " + ADMIN_KEY);
        if (r.statusCode() != 202) throw new IllegalStateException("POST /events answered " + r.statusCode() + ": " + r.body());
    }

    private static long count(TestHerald herald, String sql, String arg) throws Exception {
        return ((Number) herald.query(sql, arg).get(0).get("n")).longValue();
    }
}
