package dev.herald.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Writes one batch of log records in one transaction. Every write is idempotent and independent of
 * arrival order (insert-if-absent, then monotonic updates), so a replayed or reordered batch
 * leaves the same rows.
 */
final class StoreBatch {

    private final List<LogRecord> records;

    /**
     * The records in the order their rows are locked: by event id, then delivery id, then attempt
     * (each phase below takes its rows in this order; the deliveries' inserts, which lock every
     * delivery the batch touches, sort their rows by id whichever record names them). Two
     * instances' writers then never wait on each other in a circle — which they did, when one batch
     * held a delivery's dispatch record and another its attempt, in the opposite order (PostgreSQL
     * found the deadlock and rolled one back, and the batch came again half a second later).
     */
    StoreBatch(List<LogRecord> records) {
        List<LogRecord> sorted = new java.util.ArrayList<>(records);
        sorted.sort(java.util.Comparator.comparing(StoreBatch::eventKey).thenComparing(StoreBatch::deliveryKey)
                .thenComparingLong(StoreBatch::sequence));
        this.records = sorted;
    }

    private static String eventKey(LogRecord r) {
        return r instanceof LogRecord.Dispatched d ? d.event().path("id").asText() : "";
    }

    private static String deliveryKey(LogRecord r) {
        if (r instanceof LogRecord.Attempt a) return a.deliveryId();
        if (r instanceof LogRecord.Deferred d) return d.deliveryId();
        if (r instanceof LogRecord.Dead d) return d.deliveryId();
        if (r instanceof LogRecord.Streamed s) return s.deliveryId();
        return "";
    }

    /** Within one delivery: its attempts in order, so the last one's update is the one that stays. */
    private static long sequence(LogRecord r) {
        if (r instanceof LogRecord.Attempt a) return a.attempt();
        if (r instanceof LogRecord.Deferred d) return d.at();
        return 0;
    }

    /** @return the last number of each stream appended to (for its waiting consumers) */
    Map<String, Long> write(DataSource dataSource) throws SQLException {
        return Tx.run(dataSource, c -> {
            insertEvents(c);
            insertDeliveries(c);
            insertAttempts(c);
            updateDeliveries(c);
            updateDeferred(c);
            insertDeadLetters(c);
            return StreamAppends.append(c, records);
        });
    }

    private void insertEvents(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into events (id, type, source, subject, event_time, received_at, payload)"
                + " values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing")) {
            for (LogRecord r : records) {
                if (r instanceof LogRecord.Dispatched d) {
                    JsonNode e = d.event();
                    ps.setString(1, e.path("id").asText());
                    ps.setString(2, e.path("type").asText());
                    ps.setString(3, e.path("source").asText());
                    ps.setString(4, e.path("subject").asText(null));
                    ps.setString(5, e.path("time").asText(null));
                    ps.setTimestamp(6, new Timestamp(d.at()));
                    ps.setString(7, e.toString());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private void insertDeliveries(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into deliveries (id, event_id, subscription_id, status, attempts,"
                + " created_at, updated_at) values (?, ?, ?, 'pending', 0, ?, ?) on conflict do nothing")) {
            // By delivery id, whichever record names it: the one order every writer locks them in.
            List<Object[]> rows = new java.util.ArrayList<>();
            for (LogRecord r : records) {
                if (r instanceof LogRecord.Dispatched d) {
                    for (LogRecord.Target t : d.deliveries()) rows.add(new Object[] {t.id(), d.event().path("id").asText(), t.subscriptionId(), d.at()});
                } else if (r instanceof LogRecord.Attempt a) {
                    rows.add(new Object[] {a.deliveryId(), a.eventId(), a.subscriptionId(), a.startedAt()});
                } else if (r instanceof LogRecord.Deferred d) {
                    rows.add(new Object[] {d.deliveryId(), d.eventId(), d.subscriptionId(), d.at()});
                }
            }
            rows.sort(java.util.Comparator.comparing(row -> (String) row[0]));
            for (Object[] row : rows) add(ps, (String) row[0], (String) row[1], (String) row[2], (Long) row[3]);
            ps.executeBatch();
        }
    }

    private static void add(PreparedStatement ps, String id, String eventId, String subscriptionId, long at) throws SQLException {
        ps.setString(1, id);
        ps.setString(2, eventId);
        ps.setString(3, subscriptionId);
        ps.setTimestamp(4, new Timestamp(at));
        ps.setTimestamp(5, new Timestamp(at));
        ps.addBatch();
    }

    private void insertAttempts(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into attempts (id, delivery_id, attempt, started_at, latency_ms,"
                + " status_code, response_excerpt, error, outcome, next_attempt_at, instance_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " on conflict do nothing")) {
            for (LogRecord r : records) {
                if (r instanceof LogRecord.Attempt a) {
                    ps.setString(1, a.id());
                    ps.setString(2, a.deliveryId());
                    ps.setInt(3, a.attempt());
                    ps.setTimestamp(4, new Timestamp(a.startedAt()));
                    ps.setInt(5, a.latencyMs());
                    setInt(ps, 6, a.statusCode());
                    ps.setString(7, a.responseExcerpt());
                    ps.setString(8, cap(a.error()));
                    ps.setString(9, a.outcome());
                    ps.setTimestamp(10, a.nextAttemptAt() == null ? null : new Timestamp(a.nextAttemptAt()));
                    ps.setString(11, a.instanceId());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private void updateDeliveries(Connection c) throws SQLException {
        // "attempts <= ?": a later attempt wins; an attempt re-made after a crash overwrites its first try.
        try (PreparedStatement ps = c.prepareStatement("update deliveries set status = ?, attempts = ?, last_status_code = ?,"
                + " last_error = ?, next_attempt_at = ?, updated_at = ?, deferred_reason = null where id = ? and attempts <= ?")) {
            for (LogRecord r : records) {
                if (r instanceof LogRecord.Attempt a) {
                    ps.setString(1, a.outcome());
                    ps.setInt(2, a.attempt());
                    setInt(ps, 3, a.statusCode());
                    ps.setString(4, cap(a.error()));
                    ps.setTimestamp(5, a.nextAttemptAt() == null ? null : new Timestamp(a.nextAttemptAt()));
                    ps.setTimestamp(6, new Timestamp(a.startedAt() + a.latencyMs()));
                    ps.setString(7, a.deliveryId());
                    ps.setInt(8, a.attempt());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /**
     * A deferral shows until the attempt it waits for is recorded ("attempts < ?"), and a later
     * deferral wins over an earlier one ("updated_at <= ?"), whatever order the records come in.
     */
    private void updateDeferred(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update deliveries set status = ?, deferred_reason = ?, next_attempt_at = ?,"
                + " updated_at = ? where id = ? and attempts < ? and updated_at <= ?")) {
            for (LogRecord r : records) {
                if (r instanceof LogRecord.Deferred d) {
                    ps.setString(1, DeliveryStatus.DEFERRED.value());
                    ps.setString(2, d.why());
                    ps.setTimestamp(3, d.until() == null ? null : new Timestamp(d.until()));
                    ps.setTimestamp(4, new Timestamp(d.at()));
                    ps.setString(5, d.deliveryId());
                    ps.setInt(6, d.attempt());
                    ps.setTimestamp(7, new Timestamp(d.at()));
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private void insertDeadLetters(Connection c) throws SQLException {
        // A delivery replayed and dead again replaces its old dead letter.
        try (PreparedStatement del = c.prepareStatement("delete from dead_letters where delivery_id = ?");
             PreparedStatement ins = c.prepareStatement("insert into dead_letters (delivery_id, event_id, subscription_id, reason,"
                     + " dead_at, delivery) values (?, ?, ?, ?, ?, ?)")) {
            for (LogRecord r : records) {
                if (r instanceof LogRecord.Dead d) {
                    del.setString(1, d.deliveryId());
                    del.executeUpdate();
                    ins.setString(1, d.deliveryId());
                    ins.setString(2, d.eventId());
                    ins.setString(3, d.subscriptionId());
                    ins.setString(4, cap(d.reason()));
                    ins.setTimestamp(5, new Timestamp(d.at()));
                    ins.setString(6, d.delivery().toString());
                    ins.executeUpdate();
                }
            }
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) ps.setNull(i, Types.INTEGER);
        else ps.setInt(i, v);
    }

    private static String cap(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 1999) + "…";
    }
}
