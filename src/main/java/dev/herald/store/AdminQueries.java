package dev.herald.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What the admin API reads from the store: events, deliveries, attempts and dead letters, as rows
 * ready to be JSON (timestamps as ISO-8601 instants). Filters are optional; paging is limit/offset.
 */
public final class AdminQueries {

    /** Optional filters on a time-ordered list. */
    public record Filter(String type, String source, String subscription, Instant from, Instant to, boolean includeReplayed,
                         int limit, int offset) {}

    private final DataSource dataSource;

    public AdminQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<Map<String, Object>> events(Filter f) throws SQLException {
        Where w = new Where();
        w.eq("type", f.type()).eq("source", f.source()).range("received_at", f.from(), f.to());
        return rows("select id, type, source, subject, event_time as time, received_at from events" + w.sql()
                + " order by received_at desc, id desc limit ? offset ?", w.args(f.limit(), f.offset()));
    }

    public Map<String, Object> event(String id) throws SQLException {
        List<Map<String, Object>> r = rows("select id, type, source, subject, event_time as time, received_at, payload from events where id = ?",
                List.of(id));
        if (r.isEmpty()) return null;
        Map<String, Object> e = r.get(0);
        e.put("event", Json.tree((String) e.remove("payload")));
        return e;
    }

    public JsonNode eventPayload(String id) throws SQLException {
        Map<String, Object> e = event(id);
        return e == null ? null : (JsonNode) e.get("event");
    }

    public List<Map<String, Object>> deliveriesOf(String eventId) throws SQLException {
        return rows("select id, event_id, subscription_id, status, deferred_reason, attempts, last_status_code, last_error,"
                + " next_attempt_at, created_at, updated_at from deliveries where event_id = ? order by subscription_id", List.of(eventId));
    }

    public Map<String, Object> delivery(String id) throws SQLException {
        List<Map<String, Object>> r = rows("select id, event_id, subscription_id, status, deferred_reason, attempts, last_status_code,"
                + " last_error, next_attempt_at, created_at, updated_at from deliveries where id = ?", List.of(id));
        return r.isEmpty() ? null : r.get(0);
    }

    public List<Map<String, Object>> attemptsOf(String deliveryId) throws SQLException {
        return rows("select attempt, started_at, latency_ms, status_code, response_excerpt, error, outcome, next_attempt_at,"
                + " instance_id, consumer, acked_at from attempts where delivery_id = ? order by attempt, started_at", List.of(deliveryId));
    }

    public List<Map<String, Object>> deadLetters(Filter f) throws SQLException {
        Where w = deadLetterWhere(f);
        return rows("select delivery_id, event_id, subscription_id, reason, dead_at, replayed_at from dead_letters" + w.sql()
                + " order by dead_at desc, delivery_id limit ? offset ?", w.args(f.limit(), f.offset()));
    }

    /** The dead letters a filter selects (not yet replayed), oldest first, with their stored delivery. */
    public List<Map<String, Object>> deadLettersToReplay(Filter f) throws SQLException {
        Where w = deadLetterWhere(new Filter(null, null, f.subscription(), f.from(), f.to(), false, f.limit(), 0));
        return rows("select delivery_id, subscription_id, delivery from dead_letters" + w.sql()
                + " order by dead_at, delivery_id limit ?", w.args(f.limit()));
    }

    public Map<String, Object> deadLetter(String deliveryId) throws SQLException {
        List<Map<String, Object>> r = rows("select delivery_id, subscription_id, delivery, replayed_at from dead_letters where delivery_id = ?",
                List.of(deliveryId));
        return r.isEmpty() ? null : r.get(0);
    }

    /** Marks a dead letter replayed; false when it is gone or was replayed meanwhile (someone else replays it). */
    public boolean markReplayed(String deliveryId, boolean replayed) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement up = c.prepareStatement(replayed
                     ? "update dead_letters set replayed_at = ? where delivery_id = ? and replayed_at is null"
                     : "update dead_letters set replayed_at = null where delivery_id = ? and replayed_at is not null")) {
            if (replayed) {
                up.setTimestamp(1, Timestamp.from(Instant.now()));
                up.setString(2, deliveryId);
            } else {
                up.setString(1, deliveryId);
            }
            return up.executeUpdate() == 1;
        }
    }

    /** A subscription's unfinished deliveries: waiting on the broker (pending or retrying), and deferred. */
    public record Waiting(long queued, long deferred) {
        public static final Waiting NONE = new Waiting(0, 0);
    }

    /** Unfinished deliveries by subscription (subscriptions with none are absent). */
    public Map<String, Waiting> waiting() throws SQLException {
        return waiting(null);
    }

    /** One subscription's unfinished deliveries (its index, not a count over every subscription). */
    public Waiting waitingOf(String subscriptionId) throws SQLException {
        return waiting(subscriptionId).getOrDefault(subscriptionId, Waiting.NONE);
    }

    private Map<String, Waiting> waiting(String only) throws SQLException {
        String queued = DeliveryStatus.PENDING.value();
        String retrying = DeliveryStatus.RETRYING.value();
        String deferred = DeliveryStatus.DEFERRED.value();
        List<Object> args = new ArrayList<>(List.of(queued, retrying, deferred));
        if (only != null) args.add(only);
        Map<String, Waiting> out = new LinkedHashMap<>();
        for (Map<String, Object> r : rows("select subscription_id, status, count(*) as n from deliveries where status in (?, ?, ?)"
                + (only == null ? "" : " and subscription_id = ?") + " group by subscription_id, status", args)) {
            long n = ((Number) r.get("n")).longValue();
            boolean isDeferred = deferred.equals(r.get("status"));
            out.merge((String) r.get("subscriptionId"), new Waiting(isDeferred ? 0 : n, isDeferred ? n : 0),
                    (a, b) -> new Waiting(a.queued() + b.queued(), a.deferred() + b.deferred()));
        }
        return out;
    }

    /** When a subscription was disabled, or null while it is enabled. */
    public Instant disabledSince(String subscriptionId) throws SQLException {
        List<Map<String, Object>> r = rows("select changed_at from subscription_state where subscription_id = ? and enabled = false",
                List.of(subscriptionId));
        return r.isEmpty() ? null : Instant.parse((String) r.get(0).get("changedAt"));
    }

    /** Events received since {@code since} with no delivery to this subscription (oldest first, with their payload). */
    public List<Map<String, Object>> eventsWithoutDelivery(String subscriptionId, Instant since, int limit) throws SQLException {
        return rows("select e.id, e.payload from events e where e.received_at >= ? and not exists (select 1 from deliveries d"
                + " where d.event_id = e.id and d.subscription_id = ?) order by e.received_at, e.id limit ?",
                List.of(Timestamp.from(since), subscriptionId, limit));
    }

    /** One attempt as a chart needs it. */
    public record Point(Instant at, int latencyMs, boolean succeeded) {}

    /** The subscription's attempts since {@code since}, oldest first, at most {@code limit} (the latest ones). */
    public List<Point> attempts(String subscriptionId, Instant since, int limit) throws SQLException {
        List<Point> out = new ArrayList<>();
        for (Map<String, Object> r : Rows.query(dataSource, "select a.started_at, a.latency_ms, a.outcome from attempts a"
                + " join deliveries d on d.id = a.delivery_id where d.subscription_id = ? and a.started_at >= ?"
                + " order by a.started_at desc limit ?", List.of(subscriptionId, Timestamp.from(since), limit))) {
            out.add(new Point(Instant.parse((String) r.get("startedAt")), ((Number) r.get("latencyMs")).intValue(),
                    DeliveryStatus.SUCCEEDED.value().equals(r.get("outcome"))));
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** How many attempts the store has seen for a delivery (0 if none). */
    public int attemptCount(String deliveryId) throws SQLException {
        List<Map<String, Object>> r = rows("select max(attempt) as n from attempts where delivery_id = ?", List.of(deliveryId));
        Object n = r.get(0).get("n");
        return n == null ? 0 : ((Number) n).intValue();
    }

    private static Where deadLetterWhere(Filter f) {
        Where w = new Where();
        w.eq("subscription_id", f.subscription()).range("dead_at", f.from(), f.to());
        if (!f.includeReplayed()) w.raw("replayed_at is null");
        return w;
    }

    private List<Map<String, Object>> rows(String sql, List<Object> args) throws SQLException {
        return Rows.query(dataSource, sql, args);
    }

    /** A WHERE clause built from the filters that are set. */
    private static final class Where {
        private final List<String> parts = new ArrayList<>();
        private final List<Object> args = new ArrayList<>();

        Where eq(String column, String value) {
            if (value != null && !value.isBlank()) {
                parts.add(column + " = ?");
                args.add(value);
            }
            return this;
        }

        Where range(String column, Instant from, Instant to) {
            if (from != null) {
                parts.add(column + " >= ?");
                args.add(Timestamp.from(from));
            }
            if (to != null) {
                parts.add(column + " < ?");
                args.add(Timestamp.from(to));
            }
            return this;
        }

        Where raw(String condition) {
            parts.add(condition);
            return this;
        }

        String sql() {
            return parts.isEmpty() ? "" : " where " + String.join(" and ", parts);
        }

        List<Object> args(Object... more) {
            List<Object> all = new ArrayList<>(args);
            all.addAll(List.of(more));
            return all;
        }
    }
}
