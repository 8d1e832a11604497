package dev.herald.partner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.channel.Targets;
import dev.herald.channel.WebhookSigner;
import dev.herald.event.EventCatalog;
import dev.herald.event.Json;
import dev.herald.store.Tx;
import dev.herald.subscription.RetrySchedule;
import dev.herald.subscription.StoredSubscriptions;
import dev.herald.subscription.Subscription;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partners' webhook subscriptions in the store: what the partner API writes (each change moves
 * the store's subscription revision in the same transaction) and what every instance's registry
 * loads. Every read and write names the partner: a partner's query never sees another's rows.
 */
public final class PartnerSubscriptions implements StoredSubscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(PartnerSubscriptions.class);

    /** One stored subscription, as the partner API shows it (never its secret). */
    public record Stored(String id, String partnerId, ObjectNode spec, Instant previousUntil, Instant createdAt, Instant updatedAt) {}

    /** The partner's subscriptions from a cursor on, and the cursor after them (null: no more). */
    public record Page(List<Stored> items, String next) {}

    /** Why a create did not happen. */
    public enum Refusal { NO_PARTNER, TAKEN, QUOTA }

    /** A create's outcome: the subscription and its secret (shown once), or why not. */
    public record Created(Stored stored, String secret, Refusal refused, int quota) {}

    private final DataSource dataSource;
    private final SecretBox box;
    private final EndpointSpec.Rules rules;

    PartnerSubscriptions(DataSource dataSource, SecretBox box, EndpointSpec.Rules rules) {
        this.dataSource = dataSource;
        this.box = box;
        this.rules = rules;
    }

    /**
     * @param partnerTargets the partners' outbound guard (herald.partners.ssrf.allow)
     * @param mailServer the SMTP settings partners' email subscriptions use (herald.partners.email.*); null: none
     * @throws IllegalStateException when the store holds secrets sealed with another key than this instance's
     */
    public static PartnerSubscriptions open(DataSource dataSource, SecretBox box, EventCatalog catalog, Targets partnerTargets,
                                            RetrySchedule defaultRetry, Map<String, String> mailServer) throws SQLException {
        EndpointSpec.Rules rules = new EndpointSpec.Rules(catalog, partnerTargets, defaultRetry, mailServer);
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select distinct secret_key_id from partner_subscriptions");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (!box.keyId().equals(rs.getString(1))) {
                    throw new IllegalStateException("The partners' signing secrets in the store were sealed with key " + rs.getString(1)
                            + ", and this instance's herald.partners.secrets-key is key " + box.keyId()
                            + "; give every instance the same herald.partners.secrets-key (docs/partners.md)");
                }
            }
        }
        return new PartnerSubscriptions(dataSource, box, rules);
    }

    EndpointSpec.Rules rules() {
        return rules;
    }

    /** Creates it with a new secret, if the partner exists, the id is free and the partner is under its quota. */
    Created create(String partnerId, String id, ObjectNode spec) throws SQLException {
        String secret = WebhookSigner.newSecret();
        Timestamp now = Timestamp.from(Instant.now());
        return Tx.run(dataSource, c -> {
            int quota;
            try (PreparedStatement ps = c.prepareStatement("select max_subscriptions from partners where id = ? for update")) {
                ps.setString(1, partnerId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return new Created(null, null, Refusal.NO_PARTNER, 0);
                    quota = rs.getInt(1);
                }
            }
            if (count(c, partnerId) >= quota) return new Created(null, null, Refusal.QUOTA, quota);
            try (PreparedStatement ps = c.prepareStatement("insert into partner_subscriptions (id, partner_id, spec, secret_key_id, secret,"
                    + " created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing")) {
                ps.setString(1, id);
                ps.setString(2, partnerId);
                ps.setString(3, Json.string(spec));
                ps.setString(4, box.keyId());
                ps.setString(5, box.seal(id, secret));
                ps.setTimestamp(6, now);
                ps.setTimestamp(7, now);
                if (ps.executeUpdate() == 0) return new Created(null, null, Refusal.TAKEN, quota);
            }
            forgetState(c, id); // a subscription of the same id, deleted before, left no circuit or disabled state
            bump(c);
            return new Created(find(c, partnerId, id).orElseThrow(), secret, null, quota);
        });
    }

    Optional<Stored> get(String partnerId, String id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return find(c, partnerId, id);
        }
    }

    /** At most {@code limit} of the partner's subscriptions with ids after {@code after} (null: from the first). */
    Page list(String partnerId, String after, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select * from partner_subscriptions where partner_id = ? and id > ? order by id"
                     + " limit ?")) {
            ps.setString(1, partnerId);
            ps.setString(2, after == null ? "" : after);
            ps.setInt(3, limit + 1);
            List<Stored> items = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) items.add(stored(rs));
            }
            boolean more = items.size() > limit;
            if (more) items = items.subList(0, limit);
            return new Page(items, more ? items.get(limit - 1).id() : null);
        }
    }

    /** Replaces the spec; empty when the partner has no such subscription. */
    Optional<Stored> update(String partnerId, String id, ObjectNode spec) throws SQLException {
        return Tx.run(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("update partner_subscriptions set spec = ?, updated_at = ? where id = ? and partner_id = ?")) {
                ps.setString(1, Json.string(spec));
                ps.setTimestamp(2, Timestamp.from(Instant.now()));
                ps.setString(3, id);
                ps.setString(4, partnerId);
                if (ps.executeUpdate() == 0) return Optional.empty();
            }
            bump(c);
            return find(c, partnerId, id);
        });
    }

    /**
     * A new secret; the current one becomes the previous, signing beside it until {@code previousUntil}.
     * Empty when the partner has no such subscription.
     */
    Optional<String> rotate(String partnerId, String id, Instant previousUntil) throws SQLException {
        String secret = WebhookSigner.newSecret();
        return Tx.run(dataSource, c -> {
            String current;
            try (PreparedStatement ps = c.prepareStatement("select secret from partner_subscriptions where id = ? and partner_id = ? for update")) {
                ps.setString(1, id);
                ps.setString(2, partnerId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    current = rs.getString(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("update partner_subscriptions set secret = ?, secret_key_id = ?, previous_secret = ?,"
                    + " previous_until = ?, updated_at = ? where id = ?")) {
                ps.setString(1, box.seal(id, secret));
                ps.setString(2, box.keyId());
                ps.setString(3, current);
                ps.setTimestamp(4, Timestamp.from(previousUntil));
                ps.setTimestamp(5, Timestamp.from(Instant.now()));
                ps.setString(6, id);
                ps.executeUpdate();
            }
            bump(c);
            return Optional.of(secret);
        });
    }

    /** Deletes it with its circuit, rate and disabled state; false when the partner has no such subscription. */
    boolean delete(String partnerId, String id) throws SQLException {
        return Tx.run(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("delete from partner_subscriptions where id = ? and partner_id = ?")) {
                ps.setString(1, id);
                ps.setString(2, partnerId);
                if (ps.executeUpdate() == 0) return false;
            }
            forgetState(c, id);
            bump(c);
            return true;
        });
    }

    /** Moves the revision: every instance reloads the partners' subscriptions (a partner made, suspended or deleted). */
    static void bump(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update subscription_revision set revision = revision + 1 where id = 1")) {
            ps.executeUpdate();
        }
    }

    private static void forgetState(Connection c, String id) throws SQLException {
        forgetState(c, "= ?", id);
    }

    /** Deletes the disabled state, circuit and rate slot of the subscriptions {@code subscription_id <condition>} selects. */
    static void forgetState(Connection c, String condition, String value) throws SQLException {
        for (String table : List.of("subscription_state", "subscription_health", "subscription_rate")) {
            try (PreparedStatement ps = c.prepareStatement("delete from " + table + " where subscription_id " + condition)) {
                ps.setString(1, value);
                ps.executeUpdate();
            }
        }
    }

    private static int count(Connection c, String partnerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select count(*) from partner_subscriptions where partner_id = ?")) {
            ps.setString(1, partnerId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Override
    public long revision() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select revision from subscription_revision where id = 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Override
    public Loaded load() throws SQLException {
        List<Subscription> subs = new ArrayList<>();
        Map<String, String> paused = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select s.*, p.status, p.max_rate_per_second from partner_subscriptions s"
                     + " join partners p on p.id = s.partner_id order by s.id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String id = rs.getString("id");
                try {
                    subs.add(subscription(rs));
                    if (!Partners.Status.ACTIVE.text().equals(rs.getString("status"))) paused.put(id, "its partner is suspended");
                } catch (RuntimeException e) {
                    // One unreadable row (another instance's key) must not keep every other partner's from loading.
                    LOG.error("Partner subscription {} is not in force: {}", id, e.getMessage());
                }
            }
        }
        return new Loaded(subs, paused);
    }

    private Subscription subscription(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        if (!box.keyId().equals(rs.getString("secret_key_id"))) {
            throw new IllegalStateException("its secret was sealed with key " + rs.getString("secret_key_id") + ", this instance has "
                    + box.keyId() + " (herald.partners.secrets-key must be the same on every instance)");
        }
        List<byte[]> keys = new ArrayList<>();
        keys.add(WebhookSigner.decodeSecret(box.open(id, rs.getString("secret"))));
        Timestamp until = rs.getTimestamp("previous_until");
        if (rs.getString("previous_secret") != null && until != null) {
            keys.add(WebhookSigner.decodeSecret(box.open(id, rs.getString("previous_secret"))));
        }
        return EndpointSpec.subscription(id, rs.getString("partner_id"), Json.tree(rs.getString("spec")), keys,
                until == null ? null : until.toInstant(), rs.getInt("max_rate_per_second"), rules);
    }

    private static Optional<Stored> find(Connection c, String partnerId, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select * from partner_subscriptions where id = ? and partner_id = ?")) {
            ps.setString(1, id);
            ps.setString(2, partnerId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(stored(rs)) : Optional.empty();
            }
        }
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        Timestamp until = rs.getTimestamp("previous_until");
        return new Stored(rs.getString("id"), rs.getString("partner_id"), (ObjectNode) Json.tree(rs.getString("spec")),
                until == null ? null : until.toInstant(), rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
