package dev.herald.subscription;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Subscriptions that live in the store rather than the file: those partners make over the partner
 * API. Every instance polls {@link #revision} and reloads when it moves, so a change made on one is
 * in force on all within a reload interval.
 */
public interface StoredSubscriptions {

    /** What is in the store now: the subscriptions, and those of them that may not receive (id → why). */
    record Loaded(List<Subscription> subscriptions, Map<String, String> paused) {
        public static final Loaded NONE = new Loaded(List.of(), Map.of());
    }

    /** A number that changes with every change to a stored subscription or to its partner. */
    long revision() throws SQLException;

    Loaded load() throws SQLException;
}
