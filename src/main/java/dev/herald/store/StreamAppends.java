package dev.herald.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.Collections;

/**
 * Appends stream deliveries to their subscriptions' streams, in the store writer's transaction.
 * Each subscription's head row is locked (in id order, so two writers never deadlock) and holds
 * the lock until the commit: numbers are given in commit order, and a reader that has seen number N
 * never later finds a smaller one appear. A delivery already in its stream (a replayed batch) is
 * not appended twice.
 */
final class StreamAppends {

    private StreamAppends() {}

    /**
     * The last number each appended-to stream has now (empty when the batch had no stream
     * deliveries). A handful of statements per batch, however many streams it touches.
     */
    static Map<String, Long> append(Connection c, List<LogRecord> records) throws SQLException {
        Map<String, List<LogRecord.Streamed>> bySubscription = new TreeMap<>();
        for (LogRecord r : records) {
            if (r instanceof LogRecord.Streamed s) bySubscription.computeIfAbsent(s.subscriptionId(), k -> new ArrayList<>()).add(s);
        }
        Map<String, Long> heads = new TreeMap<>();
        if (bySubscription.isEmpty()) return heads;
        List<String> ids = List.copyOf(bySubscription.keySet());
        try (PreparedStatement ps = c.prepareStatement("insert into stream_heads (subscription_id, last_seq, trimmed_through)"
                + " values (?, 0, 0) on conflict do nothing")) {
            for (String id : ids) {
                ps.setString(1, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        // Locked in id order (the TreeMap's), so two writers never wait on each other in a circle.
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            try (PreparedStatement q = c.prepareStatement("select subscription_id, last_seq from stream_heads where subscription_id in ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ") order by subscription_id for update")) {
                for (int i = 0; i < chunk.size(); i++) q.setString(i + 1, chunk.get(i));
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) heads.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        Set<String> there = present(c, bySubscription);
        try (PreparedStatement ins = c.prepareStatement("insert into stream_events (subscription_id, seq, delivery_id, event_id, payload,"
                + " appended_at, handed) values (?, ?, ?, ?, ?, ?, 0)");
             PreparedStatement up = c.prepareStatement("update stream_heads set last_seq = ? where subscription_id = ?")) {
            for (var e : bySubscription.entrySet()) {
                long last = heads.get(e.getKey());
                for (LogRecord.Streamed s : e.getValue()) {
                    if (!there.add(e.getKey() + "\u0000" + s.deliveryId())) continue;
                    ins.setString(1, e.getKey());
                    ins.setLong(2, ++last);
                    ins.setString(3, s.deliveryId());
                    ins.setString(4, s.eventId());
                    ins.setString(5, s.payload());
                    ins.setTimestamp(6, new Timestamp(s.at()));
                    ins.addBatch();
                }
                heads.put(e.getKey(), last);
                up.setLong(1, last);
                up.setString(2, e.getKey());
                up.addBatch();
            }
            ins.executeBatch();
            up.executeBatch();
        }
        return heads;
    }

    /** Which of these deliveries their streams have already (a replayed batch), as "subscription NUL delivery". */
    private static Set<String> present(Connection c, Map<String, List<LogRecord.Streamed>> bySubscription) throws SQLException {
        Set<String> found = new HashSet<>();
        List<String[]> keys = new ArrayList<>();
        bySubscription.forEach((id, list) -> list.forEach(s -> keys.add(new String[] {id, s.deliveryId()})));
        for (int from = 0; from < keys.size(); from += 250) {
            List<String[]> chunk = keys.subList(from, Math.min(keys.size(), from + 250));
            try (PreparedStatement q = c.prepareStatement("select subscription_id, delivery_id from stream_events where (subscription_id, delivery_id) in ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "(?, ?)")) + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    q.setString(2 * i + 1, chunk.get(i)[0]);
                    q.setString(2 * i + 2, chunk.get(i)[1]);
                }
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) found.add(rs.getString(1) + "\u0000" + rs.getString(2));
                }
            }
        }
        return found;
    }
}
