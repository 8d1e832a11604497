package dev.herald.http;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The first answer to a request with an {@code Idempotency-Key}, kept for a retention window. A key
 * is scoped to the API key that used it. The row is claimed before the request is served, so two
 * concurrent requests with the same key cannot both publish.
 */
public final class IdempotencyKeys {

    /** What to do with a request that carries a key. */
    public sealed interface Begin {
        /** Nobody used the key (within the window): serve it, then {@link #complete}. */
        record Fresh() implements Begin {}
        /** Answered before: give this answer again. */
        record Replay(int status, String body) implements Begin {}
        /** The first request with this key is still being served. */
        record InProgress() implements Begin {}
        /** The key was used for a different request body. */
        record Mismatch() implements Begin {}
    }

    /** A claim older than this with no answer belongs to a request that died: it may be taken over. */
    static final long ABANDONED_AFTER_MS = 60_000;

    private final DataSource dataSource;

    public IdempotencyKeys(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Begin begin(String scopeKey, String requestHash, long now, long windowMillis) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (int tries = 0; tries < 5; tries++) {
                try (PreparedStatement ins = c.prepareStatement(
                        "insert into idempotency_keys (scope_key, request_hash, created_at) values (?, ?, ?) on conflict do nothing")) {
                    ins.setString(1, scopeKey);
                    ins.setString(2, requestHash);
                    ins.setLong(3, now);
                    if (ins.executeUpdate() == 1) return new Begin.Fresh();
                }
                try (PreparedStatement sel = c.prepareStatement(
                        "select request_hash, status, response, created_at from idempotency_keys where scope_key = ?")) {
                    sel.setString(1, scopeKey);
                    try (ResultSet rs = sel.executeQuery()) {
                        if (!rs.next()) continue; // removed meanwhile: claim it again
                        long createdAt = rs.getLong(4);
                        int status = rs.getInt(2);
                        boolean answered = !rs.wasNull();
                        boolean expired = now - createdAt >= windowMillis;
                        boolean abandoned = !answered && now - createdAt >= ABANDONED_AFTER_MS;
                        if (expired || abandoned) {
                            try (PreparedStatement del = c.prepareStatement(
                                    "delete from idempotency_keys where scope_key = ? and created_at = ?")) {
                                del.setString(1, scopeKey);
                                del.setLong(2, createdAt);
                                del.executeUpdate();
                            }
                            continue;
                        }
                        if (!requestHash.equals(rs.getString(1))) return new Begin.Mismatch();
                        if (!answered) return new Begin.InProgress();
                        return new Begin.Replay(status, rs.getString(3));
                    }
                }
            }
            return new Begin.InProgress();
        }
    }

    public void complete(String scopeKey, int status, String body) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement up = c.prepareStatement("update idempotency_keys set status = ?, response = ? where scope_key = ?")) {
            up.setInt(1, status);
            up.setString(2, body);
            up.setString(3, scopeKey);
            up.executeUpdate();
        }
    }

    /** The request failed without an answer worth keeping (Herald could not publish): the key is free again. */
    public void abandon(String scopeKey) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement del = c.prepareStatement("delete from idempotency_keys where scope_key = ? and status is null")) {
            del.setString(1, scopeKey);
            del.executeUpdate();
        }
    }

    /** Forgets keys older than the window. */
    public int purge(long now, long windowMillis) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement del = c.prepareStatement("delete from idempotency_keys where created_at < ?")) {
            del.setLong(1, now - windowMillis);
            return del.executeUpdate();
        }
    }
}
