package dev.herald.dispatch;

import dev.herald.store.Store;
import dev.herald.store.Tx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dispatch's de-duplication step alone, before and after issue 15, in one JVM on one H2 store
 * (file, {@code WRITE_DELAY=0}, as by default), the two taking turns so the machine's load falls on
 * both alike (bench/dedupe-compare.sh):
 *
 * <ul>
 *   <li><b>claim</b> — what dispatch did before: insert the batch's ids into {@code event_claims}
 *       and commit (the store writer later marked them done: not counted here);</li>
 *   <li><b>read</b> — what it does now: take the batch's event locks, one select on {@code events}, let go.</li>
 * </ul>
 *
 * A store writer runs beside them throughout (inserting event rows in batches every 50 ms, as
 * herald.log is drained), since an H2 commit writes out every page changed since the last one,
 * the writer's included. Both tables start with 50,000 rows. Usage: DedupeCompare [BATCH=1]
 * [ROUNDS=7] [EVENTS_PER_ROUND=2000] [WRITER_EVENTS_PER_S=500]. Not a test.
 */
public final class DedupeCompare {

    public static void main(String[] args) throws Exception {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int perRound = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
        int writerRate = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        Path dir = Files.createTempDirectory("herald-dedupe-compare");
        try (Store store = new Store("jdbc:h2:file:" + dir.resolve("store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0",
                null, null, 8)) {
            store.migrate();
            fill(store, 50_000);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> write(store, writerRate, running, written), "store-writer");
            writer.setDaemon(true);
            writer.start();
            AtomicLong next = new AtomicLong();
            Map<String, List<Double>> rates = new TreeMap<>();
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) {
                // Round 0 warms up and is not counted; then the order alternates.
                String[] order = round % 2 == 0 ? new String[] {"claim", "read"} : new String[] {"read", "claim"};
                Map<String, Double> these = new TreeMap<>();
                for (String variant : order) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < perRound; i += batch) {
                        List<String> ids = new ArrayList<>(batch);
                        for (int j = 0; j < batch; j++) ids.add("e-" + next.incrementAndGet());
                        if (variant.equals("claim")) claim(store, ids, System.currentTimeMillis());
                        else read(store, ids);
                    }
                    these.put(variant, perRound / ((System.nanoTime() - t0) / 1e9));
                }
                if (round == 0) continue;
                these.forEach((v, r) -> rates.computeIfAbsent(v, k -> new ArrayList<>()).add(r));
                ratios.add(these.get("read") / these.get("claim"));
                System.out.printf("round %d (batch %d): claim %,.0f events/s, read %,.0f events/s, read/claim %.2f%n", round, batch,
                        these.get("claim"), these.get("read"), these.get("read") / these.get("claim"));
            }
            running.set(false);
            writer.join();
            System.out.printf("median of %d rounds, batches of %d: claim %,.0f events/s, read %,.0f events/s; median read/claim %.2f"
                    + " (store writer beside them: %,d events written)%n", rounds, batch, median(rates.get("claim")),
                    median(rates.get("read")), median(ratios), written.get());
        }
    }

    /** The claim as Store.claimAll made it for new ids, before issue 15. */
    private static void claim(Store store, List<String> ids, long now) throws Exception {
        Tx.run(store.dataSource(), c -> {
            try (PreparedStatement ins = c.prepareStatement(
                    "insert into event_claims (id, state, claimed_at) values (?, 'pending', ?) on conflict do nothing")) {
                for (String id : ids) {
                    ins.setString(1, id);
                    ins.setLong(2, now);
                    ins.addBatch();
                }
                ins.executeBatch();
            }
            return null;
        });
    }

    /** What Dispatcher does now, before it matches. */
    private static void read(Store store, List<String> ids) throws Exception {
        Store.EventLocks locks = store.lockEvents(ids);
        try {
            store.dispatched(locks.taken());
        } finally {
            locks.release();
        }
    }

    private static void fill(Store store, int n) throws Exception {
        Tx.run(store.dataSource(), c -> {
            try (PreparedStatement ev = c.prepareStatement(eventInsert());
                 PreparedStatement cl = c.prepareStatement("insert into event_claims (id, state, claimed_at) values (?, 'done', 0)")) {
                for (int i = 0; i < n; i++) {
                    event(ev, "old-" + i);
                    cl.setString(1, "old-" + i);
                    cl.addBatch();
                    if (i % 1000 == 999) {
                        ev.executeBatch();
                        cl.executeBatch();
                    }
                }
                ev.executeBatch();
                cl.executeBatch();
            }
            return null;
        });
    }

    /** Event rows in a batch every 50 ms, each batch one transaction, as the store writer drains herald.log. */
    private static void write(Store store, int perSecond, AtomicBoolean running, AtomicLong written) {
        int perBatch = Math.max(1, perSecond / 20);
        long n = 0;
        while (running.get()) {
            try {
                long from = n;
                Tx.run(store.dataSource(), c -> {
                    try (PreparedStatement ev = c.prepareStatement(eventInsert())) {
                        for (int i = 0; i < perBatch; i++) event(ev, "w-" + (from + i));
                        ev.executeBatch();
                    }
                    return null;
                });
                n += perBatch;
                written.set(n);
                Thread.sleep(50);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String eventInsert() {
        return "insert into events (id, type, source, subject, event_time, received_at, payload) values (?, ?, ?, ?, ?, ?, ?)";
    }

    private static void event(PreparedStatement ps, String id) throws java.sql.SQLException {
        ps.setString(1, id);
        ps.setString(2, "order.created");
        ps.setString(3, "urn:bench");
        ps.setString(4, "A-1");
        ps.setString(5, "2026-12-01T00:00:00Z");
        ps.setTimestamp(6, new Timestamp(System.currentTimeMillis()));
        ps.setString(7, "{\"id\":\"" + id + "\",\"data\":{\"total\":1500,\"country\":\"DE\",\"lines\":[1,2,3]}}");
        ps.addBatch();
    }

    private static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }
}
