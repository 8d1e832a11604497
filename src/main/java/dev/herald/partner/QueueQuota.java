package dev.herald.partner;

import dev.herald.dispatch.Dispatcher;
import dev.herald.http.HttpProblem;
import dev.herald.store.PartnerQueries;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each partner's quota on deliveries waiting (pending, retrying, deferred) across its subscriptions
 * ({@code limits.maxQueued}): a partner whose endpoints are down cannot fill the broker's disk for
 * everyone. Dispatch asks before each of a partner's deliveries, so the count must be cheap: it is
 * the store's, read at most once per {@code interval} and partner, plus what this instance let
 * through since. It is a soft bound: what the store has not yet recorded (the log's lag) and what
 * other instances dispatch within one interval can pass it.
 */
public final class QueueQuota implements Dispatcher.Quota {

    private static final Logger LOG = LoggerFactory.getLogger(QueueQuota.class);
    /** How often one partner's refusals are logged at most (each refusal is a dead letter with the reason, and counted). */
    private static final long LOG_EVERY_MILLIS = 60_000;

    /** The store's count at {@code at}, the partner's quota then, and what went through since. */
    private record Reading(long at, long stored, int quota, AtomicLong since) {}

    private final PartnerQueries queries;
    private final Partners partners;
    private final long intervalMillis;
    private final Map<String, Reading> readings = new ConcurrentHashMap<>();
    private final Map<String, Long> loggedAt = new ConcurrentHashMap<>();

    public QueueQuota(PartnerQueries queries, Partners partners, long intervalMillis) {
        this.queries = queries;
        this.partners = partners;
        this.intervalMillis = intervalMillis;
    }

    @Override
    public String refuse(String partnerId, long now) throws SQLException {
        Reading r = readings.get(partnerId);
        if (r == null || now - r.at() >= intervalMillis) {
            r = read(partnerId, now);
            if (r == null) return null; // deleted a moment ago: its subscriptions go with the next reload
        }
        long waiting = r.stored() + r.since().get();
        if (waiting < r.quota()) {
            r.since().incrementAndGet();
            return null;
        }
        String why = reason(partnerId, waiting, r.quota());
        Long last = loggedAt.get(partnerId);
        if (last == null || now - last >= LOG_EVERY_MILLIS) {
            loggedAt.put(partnerId, now);
            LOG.warn("Refusing partner {}'s new deliveries as dead letters: {}", partnerId, why);
        }
        return why;
    }

    /**
     * For what a partner asks to send (a replay, a test event): refused with 429 while it is at its
     * quota. Counted afresh from the store.
     */
    void check(String partnerId) throws SQLException {
        Reading r = read(partnerId, System.currentTimeMillis());
        if (r != null && r.stored() >= r.quota()) {
            throw new HttpProblem(429, "you have " + r.stored() + " deliveries waiting and your quota (limits.maxQueued) is " + r.quota()
                    + ": let your endpoints take them (GET /partner/v1/subscriptions/{id}/health) or ask the platform to raise the quota");
        }
    }

    private Reading read(String partnerId, long now) throws SQLException {
        Partners.Partner p = partners.get(partnerId).orElse(null);
        if (p == null) {
            readings.remove(partnerId);
            loggedAt.remove(partnerId);
            return null;
        }
        Reading r = new Reading(now, queries.waiting(partnerId), p.limits().maxQueued(), new AtomicLong());
        readings.put(partnerId, r);
        return r;
    }

    static String reason(String partnerId, long waiting, int quota) {
        return "partner " + partnerId + " has " + waiting + " deliveries waiting, its quota (limits.maxQueued) is " + quota
                + ": refused at dispatch, not attempted; replay it once its endpoints have taken what waits";
    }
}
