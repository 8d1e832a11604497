package dev.herald.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.TreeSet;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC store (H2 file by default, PostgreSQL in production): schema by Flyway, plus the few
 * synchronous operations the pipeline needs. Bulk writes go through {@link StoreWriter}.
 */
public final class Store implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    public enum Claim { NEW, DUPLICATE, BUSY }

    private final HikariDataSource dataSource;

    public Store(String url, String user, String password, int poolSize) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        if (user != null) cfg.setUsername(user);
        if (password != null) cfg.setPassword(password);
        cfg.setMaximumPoolSize(poolSize);
        cfg.setPoolName("herald-store");
        cfg.setConnectionTimeout(10_000);
        // Start even when the database is down; readiness reports it and writes retry.
        cfg.setInitializationFailTimeout(-1);
        this.dataSource = new HikariDataSource(cfg);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public void migrate() {
        Flyway flyway = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load();
        var result = flyway.migrate();
        // The migration's own target is null when there was nothing to migrate: ask for the version the store has.
        var current = flyway.info().current();
        LOG.info("Store ready at {} (schema version {}{})", redact(dataSource.getJdbcUrl()),
                current == null ? "none" : current.getVersion(), result.migrationsExecuted == 0 ? "" : ", " + result.migrationsExecuted + " migration(s) applied");
    }

    /**
     * Claims an event id for dispatch. NEW: nobody had it, or its previous claim is older than
     * {@code leaseMillis} (that dispatcher died before committing); DUPLICATE: already dispatched;
     * BUSY: another dispatcher holds a fresh claim, or committed and the store has not caught up.
     */
    public Claim claim(String eventId, long now, long leaseMillis) throws SQLException {
        return claimAll(List.of(eventId), now, leaseMillis).get(eventId);
    }

    /**
     * {@link #claim} for a dispatch batch, in one database transaction (one commit, not one per
     * event). Ids are claimed in sorted order, so two batches sharing ids cannot deadlock.
     */
    public Map<String, Claim> claimAll(Collection<String> eventIds, long now, long leaseMillis) throws SQLException {
        List<String> ids = new ArrayList<>(new TreeSet<>(eventIds));
        return Tx.run(dataSource, c -> {
            Map<String, Claim> out = new HashMap<>();
            try (PreparedStatement ins = c.prepareStatement(
                    "insert into event_claims (id, state, claimed_at) values (?, 'pending', ?) on conflict do nothing")) {
                for (String id : ids) {
                    ins.setString(1, id);
                    ins.setLong(2, now);
                    ins.addBatch();
                }
                int[] inserted = ins.executeBatch();
                for (int i = 0; i < ids.size(); i++) {
                    out.put(ids.get(i), inserted[i] == 1 ? Claim.NEW : reclaim(c, ids.get(i), now, leaseMillis));
                }
            }
            return out;
        });
    }

    /** The id was claimed before: by a finished dispatch, a live one, or one whose lease ran out. */
    private static Claim reclaim(Connection c, String eventId, long now, long leaseMillis) throws SQLException {
        try (PreparedStatement sel = c.prepareStatement("select state, claimed_at from event_claims where id = ?")) {
            sel.setString(1, eventId);
            try (ResultSet rs = sel.executeQuery()) {
                // Released by a rolled-back dispatch meanwhile: look again in a moment.
                if (!rs.next()) return Claim.BUSY;
                if ("done".equals(rs.getString(1))) return Claim.DUPLICATE;
                long claimedAt = rs.getLong(2);
                if (now - claimedAt < leaseMillis) return Claim.BUSY;
                try (PreparedStatement take = c.prepareStatement(
                        "update event_claims set claimed_at = ? where id = ? and state = 'pending' and claimed_at = ?")) {
                    take.setLong(1, now);
                    take.setString(2, eventId);
                    take.setLong(3, claimedAt);
                    return take.executeUpdate() == 1 ? Claim.NEW : Claim.BUSY;
                }
            }
        }
    }

    /** Gives claims back after a failed dispatch, so the redelivered events are not held for a lease. */
    public void release(Collection<String> eventIds) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement del = c.prepareStatement("delete from event_claims where id = ? and state = 'pending'")) {
            for (String id : eventIds) {
                del.setString(1, id);
                del.addBatch();
            }
            del.executeBatch();
        } catch (SQLException e) {
            LOG.warn("Could not release the claims on {} event(s) (they expire with their lease): {}", eventIds.size(), e.getMessage());
        }
    }

    public void setSubscriptionEnabled(String subscriptionId, boolean enabled, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement up = c.prepareStatement(
                    "update subscription_state set enabled = ?, reason = ?, changed_at = ? where subscription_id = ?")) {
                up.setBoolean(1, enabled);
                up.setString(2, reason);
                up.setTimestamp(3, Timestamp.from(Instant.now()));
                up.setString(4, subscriptionId);
                if (up.executeUpdate() == 1) return;
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "insert into subscription_state (subscription_id, enabled, reason, changed_at) values (?, ?, ?, ?) on conflict do nothing")) {
                ins.setString(1, subscriptionId);
                ins.setBoolean(2, enabled);
                ins.setString(3, reason);
                ins.setTimestamp(4, Timestamp.from(Instant.now()));
                ins.executeUpdate();
            }
        }
    }

    /** Disabled subscriptions and why. */
    public Map<String, String> disabledSubscriptions() throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("select subscription_id, reason from subscription_state where enabled = false");
             ResultSet rs = q.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getString(2));
        }
        return out;
    }

    /** True when the database answers within two seconds (readiness asks often, and must not hang). */
    public boolean reachable() {
        java.util.concurrent.CompletableFuture<Boolean> check = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (Connection c = dataSource.getConnection()) {
                return c.isValid(2);
            } catch (SQLException e) {
                return false;
            }
        });
        try {
            return check.get(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
