package dev.herald.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** One database transaction: commits what {@code work} did, or rolls it back if it threw. */
public final class Tx {

    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private Tx() {}

    public static <T> T run(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }
}
