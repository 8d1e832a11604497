package dev.herald.deliver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Where deliveries wait while their subscription's circuit is open or it is at its concurrency cap:
 * each subscription's own queue, {@code herald.parked.<subscription>}, which nothing consumes until
 * the {@link Unparker} moves deliveries back (one for each probe; with the circuit closed, as fast
 * as the subscription takes them). A parked delivery costs nothing while it waits — it is not
 * consumed and re-scheduled at every probe interval, nor looked at again every moment at a cap — it
 * stands in no other partner's way in {@code herald.deliveries}, and the broker pages parked queues
 * to disk, so a long outage with a large backlog holds neither Herald's heap nor the broker's.
 *
 * <p>The store says which subscriptions have parked deliveries ({@code subscription_parking}), so
 * the unparker asks the broker only about those. Each instance refreshes the mark at most every
 * {@link #MARK_EVERY_MILLIS} per subscription while it parks; the unparker forgets a mark only once
 * the queue is empty and the mark older than {@link #FORGET_AFTER_MILLIS}, which no instance still
 * parking can leave unrefreshed.
 */
public final class Parking {

    /** Parked queues are named by this prefix and the subscription id. */
    public static final String PREFIX = "herald.parked.";
    static final long MARK_EVERY_MILLIS = 10_000;
    static final long FORGET_AFTER_MILLIS = 30_000;

    private final DataSource dataSource;
    private final Map<String, Long> markedHere = new ConcurrentHashMap<>();

    public Parking(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static String queue(String subscriptionId) {
        return PREFIX + subscriptionId;
    }

    /** A delivery of this subscription is being parked now. */
    public void parked(String subscriptionId, long now) throws SQLException {
        Long last = markedHere.get(subscriptionId);
        if (last != null && now - last < MARK_EVERY_MILLIS) return;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement u = c.prepareStatement("update subscription_parking set marked_at = ? where subscription_id = ?")) {
                u.setLong(1, now);
                u.setString(2, subscriptionId);
                if (u.executeUpdate() == 0) {
                    try (PreparedStatement i = c.prepareStatement(
                            "insert into subscription_parking (subscription_id, marked_at) values (?, ?) on conflict do nothing")) {
                        i.setString(1, subscriptionId);
                        i.setLong(2, now);
                        i.executeUpdate();
                    }
                }
            }
        }
        markedHere.put(subscriptionId, now);
    }

    /** The subscriptions that may have parked deliveries, with when each was last marked. */
    public Map<String, Long> marked() throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("select subscription_id, marked_at from subscription_parking");
             ResultSet rs = q.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }

    /** Its parked queue was found empty: forget the mark, unless somebody parked since {@code markedAt}. */
    void forget(String subscriptionId, long markedAt) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement d = c.prepareStatement("delete from subscription_parking where subscription_id = ? and marked_at = ?")) {
            d.setString(1, subscriptionId);
            d.setLong(2, markedAt);
            d.executeUpdate();
        }
        markedHere.remove(subscriptionId);
    }
}
