package dev.herald.store;

import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What a partner may read of the store: the deliveries and dead letters of its own subscriptions
 * (their ids start with {@code partnerId.}), newest first, a page at a time by cursor, and how each
 * of its endpoints fared. Every query is bounded by the partner's id prefix.
 */
public final class PartnerQueries {

    /** A page of rows and the cursor of the next (null on the last). */
    public record Page(List<Map<String, Object>> items, String next) {}

    /** How an endpoint fared since a moment: attempts, how many succeeded, and latency percentiles (ms; null without attempts). */
    public record Stats(long attempts, long succeeded, Double p50, Double p95, Double p99) {}

    private final DataSource dataSource;

    public PartnerQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The partner's deliveries, newest first, optionally of one subscription and in one status.
     *
     * @param after the previous page's cursor, or null
     * @throws IllegalArgumentException when {@code after} is not a cursor this gave
     */
    public Page deliveries(String partnerId, String subscription, String status, String after, int limit) throws SQLException {
        List<Object> args = new ArrayList<>();
        StringBuilder where = theirs("d.subscription_id", partnerId, subscription, args);
        if (status != null) {
            where.append(" and d.status = ?");
            args.add(status);
        }
        cursor(after, "d.created_at", "d.id", where, args);
        args.add(limit + 1);
        return page(Rows.query(dataSource, "select d.id, d.event_id, e.type as event_type, d.subscription_id, d.status, d.deferred_reason, d.attempts,"
                + " d.last_status_code, d.last_error, d.next_attempt_at, d.created_at, d.updated_at from deliveries d"
                + " left join events e on e.id = d.event_id" + where + " order by d.created_at desc, d.id desc limit ?", args),
                limit, "createdAt", "id");
    }

    /** The partner's dead letters, newest first, optionally of one subscription. */
    public Page deadLetters(String partnerId, String subscription, String after, int limit) throws SQLException {
        List<Object> args = new ArrayList<>();
        StringBuilder where = theirs("subscription_id", partnerId, subscription, args);
        cursor(after, "dead_at", "delivery_id", where, args);
        args.add(limit + 1);
        return page(Rows.query(dataSource, "select delivery_id, event_id, subscription_id, reason, dead_at, replayed_at from dead_letters"
                + where + " order by dead_at desc, delivery_id desc limit ?", args), limit, "deadAt", "deliveryId");
    }

    /** The partner's deliveries not finished (pending, retrying or deferred) across its subscriptions: what its queue quota bounds. */
    public long waiting(String partnerId) throws SQLException {
        List<Object> args = new ArrayList<>();
        StringBuilder where = theirs("subscription_id", partnerId, null, args);
        args.addAll(List.of(DeliveryStatus.PENDING.value(), DeliveryStatus.RETRYING.value(), DeliveryStatus.DEFERRED.value()));
        return ((Number) Rows.query(dataSource, "select count(*) as n from deliveries" + where + " and status in (?, ?, ?)", args)
                .get(0).get("n")).longValue();
    }

    /** How the subscription's attempts went since {@code since}. */
    public Stats stats(String subscriptionId, Instant since) throws SQLException {
        Map<String, Object> r = Rows.query(dataSource, "select count(*) as n, sum(case when a.outcome = ? then 1 else 0 end) as ok,"
                + " percentile_cont(0.5) within group (order by a.latency_ms) as p50,"
                + " percentile_cont(0.95) within group (order by a.latency_ms) as p95,"
                + " percentile_cont(0.99) within group (order by a.latency_ms) as p99"
                + " from attempts a join deliveries d on d.id = a.delivery_id where d.subscription_id = ? and a.started_at >= ?",
                List.of(DeliveryStatus.SUCCEEDED.value(), subscriptionId, Timestamp.from(since))).get(0);
        return new Stats(number(r.get("n")), number(r.get("ok")), decimal(r.get("p50")), decimal(r.get("p95")), decimal(r.get("p99")));
    }

    /** The partner's rows (their subscription ids start with {@code partnerId.}), optionally of one subscription. */
    private static StringBuilder theirs(String column, String partnerId, String subscription, List<Object> args) {
        StringBuilder where = new StringBuilder(" where " + column + " like ?");
        args.add(partnerId + ".%");
        if (subscription != null) {
            where.append(" and ").append(column).append(" = ?");
            args.add(subscription);
        }
        return where;
    }

    /** Keeps rows after the cursor ({@code time~id}) in (time desc, id desc) order. */
    private static void cursor(String after, String timeColumn, String idColumn, StringBuilder where, List<Object> args) {
        if (after == null) return;
        int cut = after.lastIndexOf('~');
        Instant at;
        try {
            at = Instant.parse(after.substring(0, Math.max(0, cut)));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + after + "' is not a cursor: pass the previous page's next as it is");
        }
        where.append(" and (").append(timeColumn).append(" < ? or (").append(timeColumn).append(" = ? and ").append(idColumn)
                .append(" < ?))");
        args.add(Timestamp.from(at));
        args.add(Timestamp.from(at));
        args.add(after.substring(cut + 1));
    }

    private static Page page(List<Map<String, Object>> rows, int limit, String timeField, String idField) {
        if (rows.size() <= limit) return new Page(rows, null);
        List<Map<String, Object>> items = rows.subList(0, limit);
        Map<String, Object> last = items.get(limit - 1);
        return new Page(new ArrayList<>(items), last.get(timeField) + "~" + last.get(idField));
    }

    private static long number(Object v) {
        return v == null ? 0 : ((Number) v).longValue();
    }

    private static Double decimal(Object v) {
        return v == null ? null : ((Number) v).doubleValue();
    }
}
