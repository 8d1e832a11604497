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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    private final HikariDataSource dataSource;
    /** Dispatch's event locks when the store is not PostgreSQL: ids held by this process's batches. */
    private final ConcurrentHashMap<String, Object> localLocks = new ConcurrentHashMap<>();
    private volatile Boolean postgres;
    private HikariDataSource lockPool;

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
     * Which of these events the store has recorded as dispatched: the store writer writes an
     * {@code events} row from each event's {@code dispatched} record, which commits with its fan-out,
     * so a row means the fan-out happened. One query per 500 ids; nothing is written.
     */
    public Set<String> dispatched(Collection<String> eventIds) throws SQLException {
        List<String> ids = List.copyOf(new LinkedHashSet<>(eventIds));
        Set<String> found = new HashSet<>();
        if (ids.isEmpty()) return found;
        try (Connection c = dataSource.getConnection()) {
            for (int from = 0; from < ids.size(); from += 500) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
                try (PreparedStatement q = c.prepareStatement("select id from events where id in ("
                        + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")")) {
                    for (int i = 0; i < chunk.size(); i++) q.setString(i + 1, chunk.get(i));
                    try (ResultSet rs = q.executeQuery()) {
                        while (rs.next()) found.add(rs.getString(1));
                    }
                }
            }
        }
        return found;
    }

    /** Event ids a dispatch batch holds until it is over (committed or rolled back). */
    public interface EventLocks {
        /** The ids this batch holds; the others are being dispatched by someone else right now. */
        Set<String> taken();

        /** Lets the ids go. Never throws. */
        void release();
    }

    /**
     * Holds event ids for one dispatch batch, so that two copies of an event are never fanned out
     * at the same moment (Artemis' duplicate detection sees a copy only once the first has
     * committed). Nothing is written: on PostgreSQL, session advisory locks on a connection of a
     * pool of their own, held until {@link EventLocks#release} (a process that dies loses them with
     * its connection), so they hold across instances; on any other database, a set in this process.
     * Never waits: an id held elsewhere is simply not taken.
     */
    public EventLocks lockEvents(Collection<String> eventIds) throws SQLException {
        Set<String> ids = new LinkedHashSet<>(eventIds);
        return postgres() ? advisoryLocks(ids) : localLocks(ids);
    }

    /**
     * As {@link #lockEvents}, but never waits for a lock connection either: when PostgreSQL's lock
     * pool has none free, nothing is taken (the caller then leaves the events to dispatch). For
     * ingress threads, which hold their locks until their transaction is over.
     */
    public EventLocks tryLockEvents(Collection<String> eventIds) throws SQLException {
        Set<String> ids = new LinkedHashSet<>(eventIds);
        if (!postgres()) return localLocks(ids);
        var pool = lockPool().getHikariPoolMXBean();
        if (pool != null && pool.getIdleConnections() == 0 && pool.getTotalConnections() >= lockPool.getMaximumPoolSize()) {
            return localLocks(Set.of());
        }
        return advisoryLocks(ids);
    }

    private EventLocks localLocks(Set<String> ids) {
        Object owner = new Object();
        Set<String> taken = new HashSet<>();
        for (String id : ids) if (localLocks.putIfAbsent(id, owner) == null) taken.add(id);
        return new EventLocks() {
            @Override
            public Set<String> taken() {
                return taken;
            }

            @Override
            public void release() {
                for (String id : taken) localLocks.remove(id, owner);
            }
        };
    }

    private EventLocks advisoryLocks(Set<String> ids) throws SQLException {
        Connection c = lockPool().getConnection();
        Set<String> taken = new HashSet<>();
        try (PreparedStatement q = c.prepareStatement(
                "select t.id from unnest(?::text[]) as t(id)"
                        // Keyed by schema too: several Heralds may share one database in schemas of their own.
                        + " where pg_try_advisory_lock(hashtextextended(current_schema() || '/' || t.id, 0))")) {
            q.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) taken.add(rs.getString(1));
            }
        } catch (SQLException | RuntimeException e) {
            unlockAndReturn(c);
            throw e;
        }
        return new EventLocks() {
            @Override
            public Set<String> taken() {
                return taken;
            }

            @Override
            public void release() {
                unlockAndReturn(c);
            }
        };
    }

    /** A connection goes back to its pool without locks: unlocked, or closed (which drops them) if unlocking fails. */
    private void unlockAndReturn(Connection c) {
        try {
            try (var st = c.createStatement()) {
                st.execute("select pg_advisory_unlock_all()");
            }
            c.close();
        } catch (SQLException e) {
            LOG.warn("Could not let go of dispatch's event locks ({}); closing their connection, which does", e.getMessage());
            lockPool.evictConnection(c);
        }
    }

    private synchronized HikariDataSource lockPool() {
        if (lockPool == null) {
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(dataSource.getJdbcUrl());
            if (dataSource.getUsername() != null) cfg.setUsername(dataSource.getUsername());
            if (dataSource.getPassword() != null) cfg.setPassword(dataSource.getPassword());
            // One connection per dispatch thread at most; they hold locks for a batch's few milliseconds.
            cfg.setMaximumPoolSize(dataSource.getMaximumPoolSize());
            cfg.setMinimumIdle(0);
            cfg.setPoolName("herald-dispatch-locks");
            cfg.setConnectionTimeout(10_000);
            cfg.setInitializationFailTimeout(-1);
            lockPool = new HikariDataSource(cfg);
        }
        return lockPool;
    }

    /** Whether the store is PostgreSQL (asked once; the answer cannot change). */
    private boolean postgres() throws SQLException {
        Boolean pg = postgres;
        if (pg == null) {
            try (Connection c = dataSource.getConnection()) {
                pg = postgres = "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
            }
        }
        return pg;
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
        synchronized (this) {
            if (lockPool != null) lockPool.close();
        }
        dataSource.close();
    }
}
