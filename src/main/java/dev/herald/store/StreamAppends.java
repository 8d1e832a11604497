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

/**
 * Appends stream deliveries to their subscriptions' streams, in the store writer's transaction.
 * Each subscription's head row is locked (in id order, so two writers never deadlock) and holds
 * the lock until the commit: numbers are given in commit order, and a reader that has seen number N
 * never later finds a smaller one appear. A delivery already in its stream (a replayed batch) is
 * not appended twice.
 */
final class StreamAppends {

    private StreamAppends() {}

    /** The last number each appended-to stream has now (empty when the batch had no stream deliveries). */
    static Map<String, Long> append(Connection c, List<LogRecord> records) throws SQLException {
        Map<String, List<LogRecord.Streamed>> bySubscription = new TreeMap<>();
        for (LogRecord r : records) {
            if (r instanceof LogRecord.Streamed s) bySubscription.computeIfAbsent(s.subscriptionId(), k -> new ArrayList<>()).add(s);
        }
        Map<String, Long> heads = new TreeMap<>();
        for (var e : bySubscription.entrySet()) heads.put(e.getKey(), append(c, e.getKey(), e.getValue()));
        return heads;
    }

    private static long append(Connection c, String subscriptionId, List<LogRecord.Streamed> streamed) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into stream_heads (subscription_id, last_seq, trimmed_through)"
                + " values (?, 0, 0) on conflict do nothing")) {
            ps.setString(1, subscriptionId);
            ps.executeUpdate();
        }
        long last;
        try (PreparedStatement ps = c.prepareStatement("select last_seq from stream_heads where subscription_id = ? for update")) {
            ps.setString(1, subscriptionId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                last = rs.getLong(1);
            }
        }
        Set<String> there = present(c, subscriptionId, streamed);
        try (PreparedStatement ps = c.prepareStatement("insert into stream_events (subscription_id, seq, delivery_id, event_id, payload,"
                + " appended_at, handed) values (?, ?, ?, ?, ?, ?, 0)")) {
            for (LogRecord.Streamed s : streamed) {
                if (!there.add(s.deliveryId())) continue;
                ps.setString(1, subscriptionId);
                ps.setLong(2, ++last);
                ps.setString(3, s.deliveryId());
                ps.setString(4, s.eventId());
                ps.setString(5, s.payload());
                ps.setTimestamp(6, new Timestamp(s.at()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("update stream_heads set last_seq = ? where subscription_id = ?")) {
            ps.setLong(1, last);
            ps.setString(2, subscriptionId);
            ps.executeUpdate();
        }
        return last;
    }

    /** Which of these deliveries the stream has already. */
    private static Set<String> present(Connection c, String subscriptionId, List<LogRecord.Streamed> streamed) throws SQLException {
        Set<String> found = new HashSet<>();
        List<String> ids = streamed.stream().map(LogRecord.Streamed::deliveryId).distinct().toList();
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            try (PreparedStatement q = c.prepareStatement("select delivery_id from stream_events where subscription_id = ? and delivery_id in ("
                    + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")")) {
                q.setString(1, subscriptionId);
                for (int i = 0; i < chunk.size(); i++) q.setString(i + 2, chunk.get(i));
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) found.add(rs.getString(1));
                }
            }
        }
        return found;
    }
}
