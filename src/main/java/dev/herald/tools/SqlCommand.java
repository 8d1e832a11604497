package dev.herald.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bin/herald sql "select ..."}: one statement against Herald's store, printed as a table. An
 * SQL error is printed and exits 1, so scripts can tell.
 */
@Command(name = "sql", sortOptions = false,
        header = "Query Herald's store.",
        description = "Runs one SQL statement and prints the result: against the embedded H2 store under data/ by default"
                + " (also while Herald runs), or any JDBC URL, such as Herald's PostgreSQL. An SQL error exits 1.")
final class SqlCommand implements Callable<Integer> {

    /** The embedded store as config/application.properties has it; AUTO_SERVER reaches it while Herald holds the file. */
    static final String STORE_URL = "jdbc:h2:file:./data/store;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;AUTO_SERVER=TRUE;IFEXISTS=TRUE";

    @ParentCommand
    HeraldCli cli;

    @Option(names = "--url", paramLabel = "JDBC-URL", description = "The store (default: the H2 file under ./data).")
    String url;

    @Option(names = "--user", paramLabel = "USER", description = "Its user, if it has one.")
    String user;

    @Option(names = "--password", paramLabel = "PASSWORD", description = "Its password, if it has one.")
    String password;

    @Parameters(arity = "1..*", paramLabel = "SQL", description = "The statement, such as \"select subscription_id, status from deliveries\".")
    List<String> sql;

    @Override
    public Integer call() throws SQLException {
        String jdbc = url;
        if (jdbc == null) {
            if (!Files.exists(Path.of("data/store.mv.db"))) {
                throw new IllegalStateException("there is no store at data/store.mv.db yet: start Herald once (bin/herald run),"
                        + " or give --url for another store");
            }
            jdbc = STORE_URL;
            // AUTO_SERVER makes whoever opens the file first serve it to the others: on loopback only.
            if (System.getProperty("h2.bindAddress") == null) System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        String statement = String.join(" ", sql);
        try (Connection c = DriverManager.getConnection(jdbc, user, password); Statement s = c.createStatement()) {
            if (s.execute(statement)) {
                try (ResultSet rs = s.getResultSet()) {
                    print(rs);
                }
            } else {
                cli.out.println("(" + s.getUpdateCount() + " row(s) changed)");
            }
            return 0;
        } catch (SQLException e) {
            cli.err.println("bin/herald sql: " + e.getMessage());
            return 1;
        }
    }

    /** Columns padded to their widest value, as H2's shell printed them. */
    private void print(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[n];
        for (int i = 0; i < n; i++) header[i] = md.getColumnLabel(i + 1).toLowerCase();
        rows.add(header);
        while (rs.next()) {
            String[] row = new String[n];
            for (int i = 0; i < n; i++) row[i] = String.valueOf(rs.getString(i + 1));
            rows.add(row);
        }
        int[] width = new int[n];
        for (String[] row : rows) {
            for (int i = 0; i < n; i++) width[i] = Math.max(width[i], row[i].length());
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < n; i++) {
                if (i > 0) line.append(" | ");
                line.append(i == n - 1 ? row[i] : String.format("%-" + width[i] + "s", row[i]));
            }
            cli.out.println(line);
        }
        cli.out.println("(" + (rows.size() - 1) + " row(s))");
    }
}
