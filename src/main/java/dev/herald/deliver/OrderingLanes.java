package dev.herald.deliver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import dev.herald.store.Tx;

/**
 * Per-key ordering for subscriptions that ask for it. A lane is one subscription and one ordering
 * key; its deliveries hold a sequence number taken at dispatch. Only the lane's head (lowest
 * number) is attempted; a later delivery that arrives first parks its message body here, and the
 * head wakes it when it finishes (delivered or dead). A failing head is retried by the broker on
 * its schedule as usual, so it holds back its own lane and nothing else.
 *
 * <p>Every operation runs in one database transaction holding the lane row's lock, so "may I
 * go?" and "I am done" cannot interleave. The JMS side of each step commits after the database
 * side; every window between the two resolves to a repeated attempt (at-least-once, same
 * webhook-id) or a parked head, which {@link #strandedHeads} finds. Nothing is held in memory.
 */
public final class OrderingLanes {

    private final DataSource dataSource;

    public OrderingLanes(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Joins the lane at its tail, or keeps the place it already has (a redelivered dispatch). */
    public long enter(String subscriptionId, String key, String deliveryId) throws SQLException {
        return join(subscriptionId, key, deliveryId).seq();
    }

    /** A delivery's place in its lane; {@code joined}: made now, not kept from an earlier dispatch of the same delivery. */
    public record Place(long seq, boolean joined) {}

    /**
     * {@link #enter}, saying whether the place is new. A dispatch that is rolled back gives back only
     * a new place: one it kept may belong to a copy of the event whose fan-out has committed.
     */
    public Place join(String subscriptionId, String key, String deliveryId) throws SQLException {
        return Tx.run(dataSource, c -> {
            do {
                try (PreparedStatement ins = c.prepareStatement(
                        "insert into ordering_lanes (subscription_id, ordering_key) values (?, ?) on conflict do nothing")) {
                    ins.setString(1, subscriptionId);
                    ins.setString(2, key);
                    ins.executeUpdate();
                }
                // Removed by a concurrent leave() between our insert and lock: insert again.
            } while (!lock(c, subscriptionId, key));
            Long seq = null;
            try (PreparedStatement sel = c.prepareStatement("select seq from lane_deliveries where delivery_id = ?")) {
                sel.setString(1, deliveryId);
                try (ResultSet rs = sel.executeQuery()) {
                    if (rs.next()) seq = rs.getLong(1);
                }
            }
            boolean joined = seq == null;
            if (joined) {
                try (PreparedStatement max = c.prepareStatement(
                        "select coalesce(max(seq), 0) + 1 from lane_deliveries where subscription_id = ? and ordering_key = ?")) {
                    max.setString(1, subscriptionId);
                    max.setString(2, key);
                    try (ResultSet rs = max.executeQuery()) {
                        rs.next();
                        seq = rs.getLong(1);
                    }
                }
                try (PreparedStatement ins = c.prepareStatement(
                        "insert into lane_deliveries (delivery_id, subscription_id, ordering_key, seq) values (?, ?, ?, ?)")) {
                    ins.setString(1, deliveryId);
                    ins.setString(2, subscriptionId);
                    ins.setString(3, key);
                    ins.setLong(4, seq);
                    ins.executeUpdate();
                }
            }
            return new Place(seq, joined);
        });
    }

    /**
     * May this delivery be attempted now? True when it heads its lane (or is in none: dispatched
     * before the subscription was ordered, or already finished); otherwise its message body is
     * parked until the head wakes it.
     */
    public boolean turn(String subscriptionId, String key, String deliveryId, String body, long now) throws SQLException {
        return inLane(subscriptionId, key, true, c -> {
            String head = head(c, subscriptionId, key);
            if (head == null || head.equals(deliveryId) || !member(c, deliveryId)) {
                // Only a woken head has a parked body to clear; the others need no write.
                update(c, "update lane_deliveries set parked = null, parked_at = null where delivery_id = ? and parked is not null",
                        deliveryId);
                return true;
            }
            try (PreparedStatement park = c.prepareStatement(
                    "update lane_deliveries set parked = ?, parked_at = ? where delivery_id = ?")) {
                park.setString(1, body);
                park.setLong(2, now);
                park.setString(3, deliveryId);
                park.executeUpdate();
            }
            return false;
        });
    }

    /** Finished (delivered or dead): leaves the lane. Returns the new head's message if it is parked, to send on. */
    public Optional<String> leave(String subscriptionId, String key, String deliveryId, long now) throws SQLException {
        return inLane(subscriptionId, key, Optional.empty(), c -> {
            update(c, "delete from lane_deliveries where delivery_id = ?", deliveryId);
            String head = head(c, subscriptionId, key);
            if (head == null) {
                try (PreparedStatement del = c.prepareStatement(
                        "delete from ordering_lanes where subscription_id = ? and ordering_key = ?")) {
                    del.setString(1, subscriptionId);
                    del.setString(2, key);
                    del.executeUpdate();
                }
                return Optional.empty();
            }
            return wake(c, head, now);
        });
    }

    /**
     * Parked heads nobody woke for longer than {@code olderThan} ms — the head's process died between
     * its database step and its broker commit, or its message went to the poison queue. Returns their
     * messages to send on (and marks them woken now, so they are not sent twice in a row).
     */
    public List<String> strandedHeads(long olderThan, long now) throws SQLException {
        List<String[]> candidates = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("""
                     select d.subscription_id, d.ordering_key from lane_deliveries d
                     where d.parked is not null and d.parked_at < ? and not exists (
                       select 1 from lane_deliveries e where e.subscription_id = d.subscription_id
                         and e.ordering_key = d.ordering_key and e.seq < d.seq)""")) {
            q.setLong(1, now - olderThan);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) candidates.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        List<String> out = new ArrayList<>();
        for (String[] lane : candidates) {
            // Checked again under the lane's lock: the head may have been woken meanwhile.
            inLane(lane[0], lane[1], Optional.<String>empty(), c -> {
                String head = head(c, lane[0], lane[1]);
                return head == null ? Optional.<String>empty() : wakeIfOlder(c, head, now - olderThan, now);
            }).ifPresent(out::add);
        }
        return out;
    }

    /** Runs {@code step} in one transaction holding the lane's lock; {@code absent} when the lane does not exist. */
    private <T> T inLane(String subscriptionId, String key, T absent, Tx.Work<T> step) throws SQLException {
        return Tx.run(dataSource, c -> lock(c, subscriptionId, key) ? step.run(c) : absent);
    }

    private static boolean lock(Connection c, String subscriptionId, String key) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(
                "select 1 from ordering_lanes where subscription_id = ? and ordering_key = ? for update")) {
            q.setString(1, subscriptionId);
            q.setString(2, key);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String head(Connection c, String subscriptionId, String key) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(
                "select delivery_id from lane_deliveries where subscription_id = ? and ordering_key = ? order by seq limit 1")) {
            q.setString(1, subscriptionId);
            q.setString(2, key);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static boolean member(Connection c, String deliveryId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select 1 from lane_deliveries where delivery_id = ?")) {
            q.setString(1, deliveryId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Optional<String> wake(Connection c, String deliveryId, long now) throws SQLException {
        return wakeIfOlder(c, deliveryId, Long.MAX_VALUE, now);
    }

    /**
     * The parked body stays until the woken message is processed (then {@link #turn} clears it), so
     * a wake lost with a rolled-back transaction is simply made again.
     */
    private static Optional<String> wakeIfOlder(Connection c, String deliveryId, long parkedBefore, long now) throws SQLException {
        String body = null;
        try (PreparedStatement q = c.prepareStatement(
                "select parked from lane_deliveries where delivery_id = ? and parked is not null and parked_at < ?")) {
            q.setString(1, deliveryId);
            q.setLong(2, parkedBefore);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) body = rs.getString(1);
            }
        }
        if (body == null) return Optional.empty();
        try (PreparedStatement up = c.prepareStatement("update lane_deliveries set parked_at = ? where delivery_id = ?")) {
            up.setLong(1, now);
            up.setString(2, deliveryId);
            up.executeUpdate();
        }
        return Optional.of(body);
    }

    private static void update(Connection c, String sql, String deliveryId) throws SQLException {
        try (PreparedStatement up = c.prepareStatement(sql)) {
            up.setString(1, deliveryId);
            up.executeUpdate();
        }
    }
}
