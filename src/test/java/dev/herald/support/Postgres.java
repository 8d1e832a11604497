package dev.herald.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL the tests use (127.0.0.1:5432, database {@code test}, trust auth). Each caller
 * gets a fresh schema. Where PostgreSQL is down the tests are skipped with a message saying so,
 * except in CI ({@code CI=true}), where a skipped PostgreSQL test is a failure.
 */
public final class Postgres {

    public static final String URL = System.getProperty("herald.test.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String USER = System.getProperty("herald.test.pg.user", "postgres");

    private Postgres() {}

    /** Creates a new schema and returns a JDBC URL that uses it (user in the URL). */
    public static String freshSchemaUrl() {
        String schema = "herald_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(URL, USER, "")) {
            c.createStatement().execute("create schema " + schema);
        } catch (SQLException e) {
            String why = "PostgreSQL is not reachable at " + URL + " (" + e.getMessage() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why + ": in CI the PostgreSQL tests must run, not be skipped");
            }
            Assumptions.abort(why + ": skipping the PostgreSQL tests. Start PostgreSQL to run them.");
        }
        return URL + (URL.contains("?") ? "&" : "?") + "user=" + USER + "&currentSchema=" + schema;
    }
}
