package dev.herald.deliver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import dev.herald.store.Tx;

/**
 * The store side of circuit breaking and rate limits: per-subscription rows every instance shares.
 * Each call is one short statement or transaction; callers keep a cache and write only on change.
 */
public final class SubscriptionHealth {

    /** What a subscription's circuit is, as the admin API shows it. */
    public enum Circuit { CLOSED, OPEN }

    /**
     * A subscription's run of failures; {@code openUntil} (when the next probe may go) is set while
     * its circuit is open, and {@code openedAt} says since when.
     */
    public record State(int failures, Long failingSince, Long openUntil, Long openedAt) {
        public boolean open() {
            return openUntil != null;
        }

        public Circuit circuit() {
            return open() ? Circuit.OPEN : Circuit.CLOSED;
        }

        /** The same state with the next probe moved to {@code next}. */
        public State probeAt(long next) {
            return new State(failures, failingSince, next, openedAt);
        }
    }

    private final DataSource dataSource;

    public SubscriptionHealth(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Map<String, State> all() throws SQLException {
        Map<String, State> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement(
                     "select subscription_id, consecutive_failures, failing_since, open_until, opened_at from subscription_health");
             ResultSet rs = q.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), state(rs, 2));
        }
        return out;
    }

    /**
     * Records a failed attempt; opens the circuit (until {@code now + probeMillis}) once {@code threshold}
     * attempts in a row have failed. Returns the state after it.
     */
    public State failed(String subscriptionId, long now, int threshold, long probeMillis) throws SQLException {
        return Tx.run(dataSource, c -> {
            try (PreparedStatement ins = c.prepareStatement("insert into subscription_health (subscription_id,"
                    + " consecutive_failures, failing_since, open_until) values (?, 0, ?, null) on conflict do nothing")) {
                ins.setString(1, subscriptionId);
                ins.setLong(2, now);
                ins.executeUpdate();
            }
            State s = lock(c, subscriptionId);
            int failures = s.failures() + 1;
            Long since = s.failingSince() == null ? now : s.failingSince();
            Long openUntil = s.openUntil() != null ? s.openUntil() : failures >= threshold ? now + probeMillis : null;
            Long openedAt = s.openUntil() != null ? s.openedAt() : openUntil != null ? (Long) now : null;
            try (PreparedStatement up = c.prepareStatement("update subscription_health set consecutive_failures = ?,"
                    + " failing_since = ?, open_until = ?, opened_at = ? where subscription_id = ?")) {
                up.setInt(1, failures);
                up.setLong(2, since);
                up.setObject(3, openUntil);
                up.setObject(4, openedAt);
                up.setString(5, subscriptionId);
                up.executeUpdate();
            }
            return new State(failures, since, openUntil, openedAt);
        });
    }

    /** A successful attempt: the run of failures is over, the circuit closed. */
    public void succeeded(String subscriptionId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement del = c.prepareStatement("delete from subscription_health where subscription_id = ?")) {
            del.setString(1, subscriptionId);
            del.executeUpdate();
        }
    }

    /**
     * The circuit is open and its probe time {@code due} has come: the one caller that moves it on to
     * {@code next} sends the probe; everyone else waits for {@code next}.
     */
    public boolean claimProbe(String subscriptionId, long due, long next) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement up = c.prepareStatement(
                     "update subscription_health set open_until = ? where subscription_id = ? and open_until = ?")) {
            up.setLong(1, next);
            up.setString(2, subscriptionId);
            up.setLong(3, due);
            return up.executeUpdate() == 1;
        }
    }

    /** A rate-limited delivery's turn: its slot, and when it may go ({@code at} not after now: go, and it is recorded as sent). */
    public record RateTurn(long slot, long at) {}

    /** One rate a delivery must keep: its row, slots {@code intervalMillis} apart, sends at least {@code spacingMillis} apart. */
    public record Rate(String key, long intervalMillis, long spacingMillis, Long slotHeld) {}

    /**
     * The turn of a delivery of a rate-limited subscription, shared by every instance: slots are
     * {@code intervalMillis} apart ({@code slotHeld}: the one reserved for it earlier; null: reserve
     * the next), and no delivery goes sooner than {@code spacingMillis} after the last one sent, so a
     * delivery that reaches its slot late does not bunch with the next one.
     */
    public RateTurn rateTurn(String subscriptionId, long now, long intervalMillis, long spacingMillis, Long slotHeld) throws SQLException {
        return rateTurns(now, List.of(new Rate(subscriptionId, intervalMillis, spacingMillis, slotHeld))).get(0);
    }

    /**
     * Its turn on several rates at once (a partner's subscription's own, and its partner's shared):
     * a slot reserved on each, and it is recorded as sent on all of them only when it may go on all
     * — a delivery that one rate holds back does not use up another's spacing. The rows are locked
     * in the order given, the same for every delivery.
     */
    public List<RateTurn> rateTurns(long now, List<Rate> rates) throws SQLException {
        return Tx.run(dataSource, c -> {
            List<RateTurn> turns = new ArrayList<>(rates.size());
            List<long[]> rows = new ArrayList<>(rates.size()); // next_slot, last_sent
            for (Rate r : rates) {
                try (PreparedStatement ins = c.prepareStatement(
                        "insert into subscription_rate (subscription_id, next_slot, last_sent) values (?, ?, 0) on conflict do nothing")) {
                    ins.setString(1, r.key());
                    ins.setLong(2, now);
                    ins.executeUpdate();
                }
                long nextSlot;
                long lastSent;
                try (PreparedStatement q = c.prepareStatement(
                        "select next_slot, last_sent from subscription_rate where subscription_id = ? for update")) {
                    q.setString(1, r.key());
                    try (ResultSet rs = q.executeQuery()) {
                        rs.next();
                        nextSlot = rs.getLong(1);
                        lastSent = rs.getLong(2);
                    }
                }
                long slot = r.slotHeld() != null ? r.slotHeld() : Math.max(nextSlot, now);
                if (r.slotHeld() == null) nextSlot = slot + r.intervalMillis();
                turns.add(new RateTurn(slot, Math.max(slot, lastSent + r.spacingMillis())));
                rows.add(new long[] {nextSlot, lastSent});
            }
            boolean goes = turns.stream().allMatch(t -> t.at() <= now);
            try (PreparedStatement up = c.prepareStatement(
                    "update subscription_rate set next_slot = ?, last_sent = ? where subscription_id = ?")) {
                for (int i = 0; i < rates.size(); i++) {
                    up.setLong(1, rows.get(i)[0]);
                    up.setLong(2, goes ? now : rows.get(i)[1]);
                    up.setString(3, rates.get(i).key());
                    up.executeUpdate();
                }
            }
            return turns;
        });
    }

    private static State lock(Connection c, String subscriptionId) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("select consecutive_failures, failing_since, open_until, opened_at from"
                + " subscription_health where subscription_id = ? for update")) {
            q.setString(1, subscriptionId);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return state(rs, 1);
            }
        }
    }

    /** The state in four columns from {@code first}: failures, failing since, open until, opened at. */
    private static State state(ResultSet rs, int first) throws SQLException {
        return new State(rs.getInt(first), (Long) rs.getObject(first + 1), (Long) rs.getObject(first + 2), (Long) rs.getObject(first + 3));
    }
}
