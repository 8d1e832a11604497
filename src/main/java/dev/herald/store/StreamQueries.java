package dev.herald.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The stream subscriptions' side of the store: what consumers read, take and acknowledge, and the
 * attempt log of each hand-over. An acknowledgement commits before it is confirmed, so a crash never
 * takes back progress a consumer was told of.
 */
public final class StreamQueries {

    /** One kept event: its number, its delivery (the {@code webhook-id}), and what the consumer gets. */
    public record Item(long seq, String deliveryId, String eventId, String payload, long appendedAt, int handed) {}

    /** A stream's last number, and how far retention has removed it (a position before that has missed events). */
    public record Head(long last, long trimmedThrough) {}

    /** One consumer as the store knows it: its committed position, how it last connected, when, and its lag. */
    public record Consumer(String name, long position, String transport, long seenAt, long lag) {}

    /** A stream's oldest kept events, up to a number, for retention: unacknowledged ones become dead letters. */
    public record Expiring(String subscriptionId, long seq, String deliveryId, String eventId, String event, boolean acked, int handed) {}

    private final DataSource dataSource;
    private final String instanceId;

    public StreamQueries(DataSource dataSource, String instanceId) {
        this.dataSource = dataSource;
        this.instanceId = instanceId;
    }

    public Head head(String subscriptionId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("select last_seq, trimmed_through from stream_heads where subscription_id = ?")) {
            q.setString(1, subscriptionId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? new Head(rs.getLong(1), rs.getLong(2)) : new Head(0, 0);
            }
        }
    }

    /** The last numbers of these streams (those with none yet are left out): one query per 500. */
    public Map<String, Long> heads(Collection<String> subscriptionIds) throws SQLException {
        List<String> ids = List.copyOf(subscriptionIds);
        Map<String, Long> out = new HashMap<>();
        try (Connection c = dataSource.getConnection()) {
            for (int from = 0; from < ids.size(); from += 500) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
                try (PreparedStatement q = c.prepareStatement("select subscription_id, last_seq from stream_heads where subscription_id in ("
                        + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")")) {
                    for (int i = 0; i < chunk.size(); i++) q.setString(i + 1, chunk.get(i));
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
        }
        return out;
    }

    /** Broadcast: the events after {@code position}, in order, at most {@code limit}. */
    public List<Item> after(String subscriptionId, long position, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("select seq, delivery_id, event_id, payload, appended_at, handed from stream_events"
                     + " where subscription_id = ? and seq > ? order by seq limit ?")) {
            q.setString(1, subscriptionId);
            q.setLong(2, position);
            q.setInt(3, limit);
            return items(q);
        }
    }

    /**
     * Consumer group: takes up to {@code limit} events no one holds (never taken, or whose holder
     * let its lease run out without acknowledging), oldest first, for {@code visibilityMillis}. An
     * event is taken by one consumer only: the update re-checks that it is free.
     */
    public List<Item> lease(String subscriptionId, String consumer, String transport, int limit, long now, long visibilityMillis)
            throws SQLException {
        return Tx.run(dataSource, c -> {
            List<Item> candidates;
            try (PreparedStatement q = c.prepareStatement("select seq, delivery_id, event_id, payload, appended_at, handed from stream_events"
                    + " where subscription_id = ? and acked_at is null and (lease_until is null or lease_until < ?) order by seq limit ?")) {
                q.setString(1, subscriptionId);
                q.setLong(2, now);
                q.setInt(3, limit);
                candidates = items(q);
            }
            if (candidates.isEmpty()) return candidates;
            int[] taken;
            try (PreparedStatement u = c.prepareStatement("update stream_events set lease_owner = ?, lease_until = ?, handed = handed + 1"
                    + " where subscription_id = ? and seq = ? and acked_at is null and (lease_until is null or lease_until < ?)")) {
                for (Item i : candidates) {
                    u.setString(1, consumer);
                    u.setLong(2, now + visibilityMillis);
                    u.setString(3, subscriptionId);
                    u.setLong(4, i.seq());
                    u.setLong(5, now);
                    u.addBatch();
                }
                taken = u.executeBatch();
            }
            List<Item> mine = new ArrayList<>(candidates.size());
            for (int k = 0; k < candidates.size(); k++) {
                if (taken[k] > 0) mine.add(candidates.get(k));
            }
            logHandOver(c, subscriptionId, consumer, transport, mine, now);
            return mine;
        });
    }

    /** Consumer group: gives back what {@code consumer} holds unacknowledged, to be taken again at once (it reconnected). */
    public int release(String subscriptionId, String consumer) throws SQLException {
        return Tx.run(dataSource, c -> {
            try (PreparedStatement u = c.prepareStatement("update stream_events set lease_owner = null, lease_until = null"
                    + " where subscription_id = ? and lease_owner = ? and acked_at is null")) {
                u.setString(1, subscriptionId);
                u.setString(2, consumer);
                return u.executeUpdate();
            }
        });
    }

    /** Runs {@code work} in one transaction of the store's. */
    public <T> T transaction(Tx.Work<T> work) throws SQLException {
        return Tx.run(dataSource, work);
    }

    /** Broadcast: records the hand-over of {@code items} to {@code consumer} (an attempt each). */
    public void handed(String subscriptionId, String consumer, String transport, List<Item> items, long now) throws SQLException {
        if (items.isEmpty()) return;
        Tx.run(dataSource, c -> handed(c, subscriptionId, consumer, transport, items, now));
    }

    /** {@link #handed(String, String, String, List, long)} in the caller's transaction. */
    public Void handed(Connection c, String subscriptionId, String consumer, String transport, List<Item> items, long now) throws SQLException {
        try (PreparedStatement u = c.prepareStatement("update stream_events set handed = handed + 1 where subscription_id = ? and seq = ?")) {
            for (Item i : items) {
                u.setString(1, subscriptionId);
                u.setLong(2, i.seq());
                u.addBatch();
            }
            u.executeBatch();
        }
        logHandOver(c, subscriptionId, consumer, transport, items, now);
        return null;
    }

    /**
     * One attempt per hand-over (attempt 1 was the append). The delivery's own row is left alone
     * until the acknowledgement (or expiry) counts them: one row update per delivery, not one per
     * hand-over.
     */
    private void logHandOver(Connection c, String subscriptionId, String consumer, String transport, List<Item> items, long now)
            throws SQLException {
        if (items.isEmpty()) return;
        try (PreparedStatement a = c.prepareStatement("insert into attempts (id, delivery_id, attempt, started_at, latency_ms, response_excerpt,"
                + " outcome, instance_id, consumer) values (?, ?, ?, ?, 0, ?, 'streamed', ?, ?)")) {
            for (Item i : items) {
                a.setString(1, UUID.randomUUID().toString());
                a.setString(2, i.deliveryId());
                a.setInt(3, i.handed() + 2);
                a.setTimestamp(4, new Timestamp(now));
                a.setString(5, "handed to consumer " + consumer + " over " + transport);
                a.setString(6, instanceId);
                a.setString(7, consumer);
                a.addBatch();
            }
            a.executeBatch();
        }
    }

    /**
     * Broadcast: commits {@code consumer}'s position (never backwards) and acknowledges what it
     * passed: the events the first time any consumer does, their deliveries as succeeded, the
     * consumer's hand-over attempts. Returns the position now committed.
     */
    public long commit(String subscriptionId, String consumer, String transport, long position, long now) throws SQLException {
        return Tx.run(dataSource, c -> commit(c, subscriptionId, consumer, transport, position, now));
    }

    /** {@link #commit(String, String, String, long, long)} in the caller's transaction. */
    public long commit(Connection c, String subscriptionId, String consumer, String transport, long position, long now) throws SQLException {
        long before = lockCursor(c, subscriptionId, consumer, transport, now);
        if (position <= before) return before;
        acknowledge(c, subscriptionId, consumer, "subscription_id = ? and seq > ? and seq <= ?", List.of(subscriptionId, before, position), now);
        moveCursor(c, subscriptionId, consumer, transport, position, now);
        return position;
    }

    /**
     * Consumer group: acknowledges what {@code consumer} holds up to {@code seq} (its own leases; an
     * event whose lease ran out and that another consumer took is that one's to acknowledge). Its
     * position becomes the highest it acknowledged. Returns how many were acknowledged now.
     */
    public int ackThrough(String subscriptionId, String consumer, String transport, long seq, long now) throws SQLException {
        return Tx.run(dataSource, c -> ackThrough(c, subscriptionId, consumer, transport, seq, now));
    }

    /** {@link #ackThrough(String, String, String, long, long)} in the caller's transaction. */
    public int ackThrough(Connection c, String subscriptionId, String consumer, String transport, long seq, long now) throws SQLException {
        long before = lockCursor(c, subscriptionId, consumer, transport, now);
        int n = acknowledge(c, subscriptionId, consumer, "subscription_id = ? and lease_owner = ? and seq <= ? and acked_at is null",
                List.of(subscriptionId, consumer, seq), now);
        moveCursor(c, subscriptionId, consumer, transport, n > 0 ? Math.max(seq, before) : before, now);
        return n;
    }

    private static void moveCursor(Connection c, String subscriptionId, String consumer, String transport, long position, long now)
            throws SQLException {
        try (PreparedStatement u = c.prepareStatement("update stream_cursors set position = ?, transport = ?, seen_at = ?"
                + " where subscription_id = ? and consumer = ?")) {
            u.setLong(1, position);
            u.setString(2, transport);
            u.setTimestamp(3, new Timestamp(now));
            u.setString(4, subscriptionId);
            u.setString(5, consumer);
            u.executeUpdate();
        }
    }

    /**
     * Marks the events in {@code where} acknowledged (those not yet), their deliveries succeeded and
     * the consumer's attempts acked, each by its key (a join on the deliveries' status index would
     * read every delivery still streamed). Returns how many events were acknowledged now.
     */
    private static int acknowledge(Connection c, String subscriptionId, String consumer, String where, List<Object> args, long now)
            throws SQLException {
        List<String> all = new ArrayList<>();
        Map<String, Integer> first = new HashMap<>();
        try (PreparedStatement q = c.prepareStatement("select delivery_id, acked_at, handed from stream_events where " + where)) {
            bind(q, 1, args);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    all.add(rs.getString(1));
                    if (rs.getTimestamp(2) == null) first.put(rs.getString(1), rs.getInt(3));
                }
            }
        }
        if (all.isEmpty()) return 0;
        Timestamp at = new Timestamp(now);
        try (PreparedStatement a = c.prepareStatement("update attempts set acked_at = ? where delivery_id = ? and consumer = ? and acked_at is null")) {
            for (String id : all) {
                a.setTimestamp(1, at);
                a.setString(2, id);
                a.setString(3, consumer);
                a.addBatch();
            }
            a.executeBatch();
        }
        if (first.isEmpty()) return 0;
        try (PreparedStatement d = c.prepareStatement("update deliveries set status = 'succeeded', last_error = null, updated_at = ?,"
                + " attempts = greatest(attempts, ?) where id = ? and status = 'streamed'")) {
            for (var e : first.entrySet()) {
                d.setTimestamp(1, at);
                d.setInt(2, e.getValue() + 1); // the append and each hand-over so far
                d.setString(3, e.getKey());
                d.addBatch();
            }
            d.executeBatch();
        }
        try (PreparedStatement e = c.prepareStatement("update stream_events set acked_at = ?, acked_by = ?, lease_until = null"
                + " where acked_at is null and " + where)) {
            e.setTimestamp(1, at);
            e.setString(2, consumer);
            bind(e, 3, args);
            return e.executeUpdate();
        }
    }

    /** The consumer's row, locked for this transaction (made when it first shows); its committed position. */
    private static long lockCursor(Connection c, String subscriptionId, String consumer, String transport, long now) throws SQLException {
        for (int round = 0; ; round++) {
            try (PreparedStatement q = c.prepareStatement("select position from stream_cursors where subscription_id = ? and consumer = ? for update")) {
                q.setString(1, subscriptionId);
                q.setString(2, consumer);
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) return rs.getLong(1);
                }
            }
            if (round > 0) throw new SQLException("stream consumer " + consumer + " of " + subscriptionId + " could not be made");
            seen(c, subscriptionId, consumer, transport, now);
        }
    }

    /**
     * The consumer connected or polled: its row (at {@code startAt} when new: where a new consumer
     * begins), with how and when. Returns its committed position.
     */
    public long seen(String subscriptionId, String consumer, String transport, long now, long startAt) throws SQLException {
        return Tx.run(dataSource, c -> {
            try (PreparedStatement i = c.prepareStatement("insert into stream_cursors (subscription_id, consumer, position, transport, seen_at)"
                    + " values (?, ?, ?, ?, ?) on conflict do nothing")) {
                i.setString(1, subscriptionId);
                i.setString(2, consumer);
                i.setLong(3, startAt);
                i.setString(4, transport);
                i.setTimestamp(5, new Timestamp(now));
                i.executeUpdate();
            }
            seen(c, subscriptionId, consumer, transport, now);
            return position(c, subscriptionId, consumer);
        });
    }

    private static void seen(Connection c, String subscriptionId, String consumer, String transport, long now) throws SQLException {
        try (PreparedStatement i = c.prepareStatement("insert into stream_cursors (subscription_id, consumer, position, transport, seen_at)"
                + " values (?, ?, 0, ?, ?) on conflict do nothing")) {
            i.setString(1, subscriptionId);
            i.setString(2, consumer);
            i.setString(3, transport);
            i.setTimestamp(4, new Timestamp(now));
            i.executeUpdate();
        }
        try (PreparedStatement u = c.prepareStatement("update stream_cursors set transport = ?, seen_at = ? where subscription_id = ? and consumer = ?")) {
            u.setString(1, transport);
            u.setTimestamp(2, new Timestamp(now));
            u.setString(3, subscriptionId);
            u.setString(4, consumer);
            u.executeUpdate();
        }
    }

    private static long position(Connection c, String subscriptionId, String consumer) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select position from stream_cursors where subscription_id = ? and consumer = ?")) {
            q.setString(1, subscriptionId);
            q.setString(2, consumer);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /**
     * The stream's consumers with their lag: broadcast, the events after their position; group,
     * what they hold unacknowledged (the group's lag is {@link #unacknowledged}).
     */
    public List<Consumer> consumers(String subscriptionId, boolean group) throws SQLException {
        String lag = group
                ? "(select count(*) from stream_events e where e.subscription_id = c.subscription_id and e.lease_owner = c.consumer and e.acked_at is null)"
                : "(select count(*) from stream_events e where e.subscription_id = c.subscription_id and e.seq > c.position)";
        List<Consumer> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("select c.consumer, c.position, c.transport, c.seen_at, " + lag
                     + " from stream_cursors c where c.subscription_id = ? order by c.consumer limit 1000")) {
            q.setString(1, subscriptionId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new Consumer(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getTimestamp(4).getTime(), rs.getLong(5)));
                }
            }
        }
        return out;
    }

    /** Events kept and not acknowledged by any consumer. */
    public long unacknowledged(String subscriptionId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("select count(*) from stream_events where subscription_id = ? and acked_at is null")) {
            q.setString(1, subscriptionId);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Each stream with events appended before {@code cutoff}, and the highest such number. */
    public Map<String, Long> expiredThrough(long cutoff) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("select subscription_id, max(seq) from stream_events where appended_at < ?"
                     + " group by subscription_id")) {
            q.setTimestamp(1, new Timestamp(cutoff));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** The oldest events of a stream up to {@code through}, at most {@code limit}, each with its event (when the store still has it). */
    public List<Expiring> oldest(String subscriptionId, long through, int limit) throws SQLException {
        List<Expiring> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("select s.seq, s.delivery_id, s.event_id, coalesce(e.payload, s.payload), s.acked_at, s.handed"
                     + " from stream_events s left join events e on e.id = s.event_id where s.subscription_id = ? and s.seq <= ?"
                     + " order by s.seq limit ?")) {
            q.setString(1, subscriptionId);
            q.setLong(2, through);
            q.setInt(3, limit);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(new Expiring(subscriptionId, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5) != null, rs.getInt(6)));
                }
            }
        }
        return out;
    }

    /**
     * Removes a stream's events up to {@code through} in one transaction: those no consumer
     * acknowledged become dead letters ({@code deadLetters}: delivery id to the dead letter's
     * delivery JSON) with a {@code dead} attempt and status; the head remembers how far it was trimmed.
     */
    public void trim(String subscriptionId, long through, List<Expiring> unacked, Map<String, String> deadLetters, String reason, long now)
            throws SQLException {
        Tx.run(dataSource, c -> {
            try (PreparedStatement dl = c.prepareStatement("insert into dead_letters (delivery_id, event_id, subscription_id, reason, dead_at,"
                    + " delivery) values (?, ?, ?, ?, ?, ?) on conflict do nothing");
                 PreparedStatement a = c.prepareStatement("insert into attempts (id, delivery_id, attempt, started_at, latency_ms, error, outcome,"
                         + " instance_id) values (?, ?, ?, ?, 0, ?, 'dead', ?)");
                 PreparedStatement d = c.prepareStatement("update deliveries set status = 'dead', last_error = ?, updated_at = ?,"
                         + " attempts = greatest(attempts, ?) where id = ?")) {
                for (Expiring x : unacked) {
                    dl.setString(1, x.deliveryId());
                    dl.setString(2, x.eventId());
                    dl.setString(3, subscriptionId);
                    dl.setString(4, reason);
                    dl.setTimestamp(5, new Timestamp(now));
                    dl.setString(6, deadLetters.get(x.deliveryId()));
                    dl.addBatch();
                    a.setString(1, UUID.randomUUID().toString());
                    a.setString(2, x.deliveryId());
                    a.setInt(3, x.handed() + 2);
                    a.setTimestamp(4, new Timestamp(now));
                    a.setString(5, reason);
                    a.setString(6, instanceId);
                    a.addBatch();
                    d.setString(1, reason);
                    d.setTimestamp(2, new Timestamp(now));
                    d.setInt(3, x.handed() + 2);
                    d.setString(4, x.deliveryId());
                    d.addBatch();
                }
                dl.executeBatch();
                a.executeBatch();
                d.executeBatch();
            }
            try (PreparedStatement del = c.prepareStatement("delete from stream_events where subscription_id = ? and seq <= ?");
                 PreparedStatement h = c.prepareStatement("update stream_heads set trimmed_through = ? where subscription_id = ?"
                         + " and trimmed_through < ?")) {
                del.setString(1, subscriptionId);
                del.setLong(2, through);
                del.executeUpdate();
                h.setLong(1, through);
                h.setString(2, subscriptionId);
                h.setLong(3, through);
                h.executeUpdate();
            }
            return null;
        });
    }

    private static List<Item> items(PreparedStatement q) throws SQLException {
        List<Item> out = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                out.add(new Item(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5).getTime(), rs.getInt(6)));
            }
        }
        return out;
    }

    private static void bind(PreparedStatement ps, int from, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) ps.setObject(from + i, args.get(i));
    }
}
