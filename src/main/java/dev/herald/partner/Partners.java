package dev.herald.partner;

import dev.herald.http.ApiKeys;
import dev.herald.http.Auth;
import dev.herald.store.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Partners (the tenants of an open platform) and their API keys, in the store. A key is shown once,
 * when it is issued, and kept only as its SHA-256 hash; a partner has several (one per system of
 * theirs, rotated without downtime) and each can be revoked alone.
 */
public final class Partners implements Auth.PartnerKeys {

    /** What a partner is, as the admin API shows it. */
    public record Partner(String id, String name, Status status, Limits limits, Instant createdAt, Instant updatedAt) {}

    public enum Status {
        ACTIVE, SUSPENDED;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * What a partner may use: subscriptions, deliveries per second to each of them, and deliveries
     * waiting (queued, retrying, deferred) across all of them.
     */
    public record Limits(int maxSubscriptions, int maxRatePerSecond, int maxQueued) {}

    /** A key as it is listed: never the key itself. */
    public record Key(String id, String name, Instant createdAt, Instant revokedAt) {}

    /** A key as it is issued: the only time the key itself is seen. */
    public record Issued(Key key, String secret) {}

    /** A partner's key starts with this, so it is told apart from ingest and admin keys (and found by secret scanners). */
    static final String KEY_PREFIX = "hpk_";

    private final DataSource dataSource;
    private final PortalLinks portal;

    /** @param portal the portal's links, accepted as partner keys (null: none) */
    public Partners(DataSource dataSource, PortalLinks portal) {
        this.dataSource = dataSource;
        this.portal = portal;
    }

    /** Empty when a partner with this id exists already. */
    public Optional<Partner> create(String id, String name, Limits limits) throws SQLException {
        Timestamp now = Timestamp.from(Instant.now());
        return Tx.run(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("insert into partners (id, name, status, max_subscriptions,"
                    + " max_rate_per_second, max_queued, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing")) {
                ps.setString(1, id);
                ps.setString(2, name);
                ps.setString(3, Status.ACTIVE.text());
                ps.setInt(4, limits.maxSubscriptions());
                ps.setInt(5, limits.maxRatePerSecond());
                ps.setInt(6, limits.maxQueued());
                ps.setTimestamp(7, now);
                ps.setTimestamp(8, now);
                if (ps.executeUpdate() == 0) return Optional.empty();
            }
            return find(c, id);
        });
    }

    public List<Partner> list() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select * from partners order by id");
             ResultSet rs = ps.executeQuery()) {
            List<Partner> all = new ArrayList<>();
            while (rs.next()) all.add(partner(rs));
            return all;
        }
    }

    public Optional<Partner> get(String id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return find(c, id);
        }
    }

    /**
     * A new name and limits; empty when there is no such partner. A lower rate quota applies to its
     * subscriptions at once (on every instance); subscriptions above a lower subscription quota stay.
     */
    public Optional<Partner> update(String id, String name, Limits limits) throws SQLException {
        return Tx.run(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("update partners set name = ?, max_subscriptions = ?, max_rate_per_second = ?,"
                    + " max_queued = ?, updated_at = ? where id = ?")) {
                ps.setString(1, name);
                ps.setInt(2, limits.maxSubscriptions());
                ps.setInt(3, limits.maxRatePerSecond());
                ps.setInt(4, limits.maxQueued());
                ps.setTimestamp(5, Timestamp.from(Instant.now()));
                ps.setString(6, id);
                if (ps.executeUpdate() == 0) return Optional.empty();
            }
            PartnerSubscriptions.bump(c); // the rate quota is each subscription's default and ceiling
            return find(c, id);
        });
    }

    /** Suspends or resumes; empty when there is no such partner. */
    public Optional<Partner> setStatus(String id, Status status) throws SQLException {
        return Tx.run(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("update partners set status = ?, updated_at = ? where id = ?")) {
                ps.setString(1, status.text());
                ps.setTimestamp(2, Timestamp.from(Instant.now()));
                ps.setString(3, id);
                if (ps.executeUpdate() == 0) return Optional.empty();
            }
            PartnerSubscriptions.bump(c); // a suspended partner's subscriptions stop receiving, on every instance
            return find(c, id);
        });
    }

    /** Deletes the partner and everything of theirs (keys, subscriptions and their state); false when there is no such partner. */
    public boolean delete(String id) throws SQLException {
        return Tx.run(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("delete from partners where id = ?")) {
                ps.setString(1, id);
                if (ps.executeUpdate() == 0) return false;
            }
            // Its subscriptions go by the foreign key; their state is keyed by subscription id, partnerId.name.
            PartnerSubscriptions.forgetState(c, "like ?", id + ".%");
            PartnerSubscriptions.forgetState(c, "= ?", dev.herald.deliver.Admission.partnerRateKey(id)); // its shared rate
            PartnerSubscriptions.bump(c);
            return true;
        });
    }

    /** A new key for the partner; empty when there is no such partner. */
    public Optional<Issued> issueKey(String partnerId, String name) throws SQLException {
        String secret = KEY_PREFIX + ApiKeys.newKey().substring(3);
        Key key = new Key("key_" + ApiKeys.newKey().substring(3, 19), name, Instant.now(), null);
        return Tx.run(dataSource, c -> {
            if (find(c, partnerId).isEmpty()) return Optional.empty();
            try (PreparedStatement ps = c.prepareStatement(
                    "insert into partner_keys (id, partner_id, name, key_hash, created_at) values (?, ?, ?, ?, ?)")) {
                ps.setString(1, key.id());
                ps.setString(2, partnerId);
                ps.setString(3, name);
                ps.setString(4, ApiKeys.hash(secret));
                ps.setTimestamp(5, Timestamp.from(key.createdAt()));
                ps.executeUpdate();
            }
            return Optional.of(new Issued(key, secret));
        });
    }

    /** The partner's keys, revoked ones included; empty when there is no such partner. */
    public Optional<List<Key>> keys(String partnerId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (find(c, partnerId).isEmpty()) return Optional.empty();
            try (PreparedStatement ps = c.prepareStatement(
                    "select id, name, created_at, revoked_at from partner_keys where partner_id = ? order by created_at, id")) {
                ps.setString(1, partnerId);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Key> keys = new ArrayList<>();
                    while (rs.next()) {
                        Timestamp revoked = rs.getTimestamp(4);
                        keys.add(new Key(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                                revoked == null ? null : revoked.toInstant()));
                    }
                    return Optional.of(keys);
                }
            }
        }
    }

    /** Revokes one of the partner's keys at once; false when the partner has no such key. */
    public boolean revokeKey(String partnerId, String keyId) throws SQLException {
        return Tx.run(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("update partner_keys set revoked_at = coalesce(revoked_at, ?)"
                    + " where id = ? and partner_id = ?")) {
                ps.setTimestamp(1, Timestamp.from(Instant.now()));
                ps.setString(2, keyId);
                ps.setString(3, partnerId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public Optional<Auth.PartnerKey> partnerOf(String key) throws SQLException {
        if (key.startsWith(PortalLinks.PREFIX)) {
            Optional<String> id = portal == null ? Optional.empty() : portal.partnerOf(key);
            if (id.isEmpty()) return Optional.empty();
            return get(id.get()).map(p -> new Auth.PartnerKey(p.id(), p.status() == Status.ACTIVE));
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select p.id, p.status from partner_keys k join partners p on p.id = k.partner_id"
                     + " where k.key_hash = ? and k.revoked_at is null")) {
            ps.setString(1, ApiKeys.hash(key));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return Optional.empty();
                return Optional.of(new Auth.PartnerKey(rs.getString(1), Status.ACTIVE.text().equals(rs.getString(2))));
            }
        }
    }

    private static Optional<Partner> find(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select * from partners where id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(partner(rs)) : Optional.empty();
            }
        }
    }

    private static Partner partner(ResultSet rs) throws SQLException {
        return new Partner(rs.getString("id"), rs.getString("name"), Status.valueOf(rs.getString("status").toUpperCase(java.util.Locale.ROOT)),
                new Limits(rs.getInt("max_subscriptions"), rs.getInt("max_rate_per_second"), rs.getInt("max_queued")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
