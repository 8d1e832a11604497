package dev.herald.tools;

import static dev.herald.tools.HeraldCliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.tools.HeraldCliTest.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/herald sql: a table for a query, and an SQL error is an error (exit 1), so scripts can tell. */
class SqlCommandTest {

    @TempDir
    Path dir;

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
    }

    @Test
    void aQueryPrintsATableAndAnSqlErrorExitsOne() {
        assertThat(cli("sql", "--url", url(), "create table deliveries (subscription_id varchar, attempts int)").status()).isZero();
        Run insert = cli("sql", "--url", url(), "insert into deliveries values ('demo-all-orders', 2), ('acme', 10)");
        assertThat(insert.out()).isEqualTo("(2 row(s) changed)" + System.lineSeparator());

        Run query = cli("sql", "--url", url(), "select", "subscription_id,", "attempts", "from deliveries order by attempts");
        assertThat(query.status()).isZero();
        assertThat(query.out().lines()).containsExactly(
                "subscription_id | attempts",
                "demo-all-orders | 2",
                "acme            | 10",
                "(2 row(s))");

        Run error = cli("sql", "--url", url(), "select * from atempts");
        assertThat(error.status()).isEqualTo(1);
        assertThat(error.err()).contains("bin/herald sql: ", "Table \"atempts\" not found");
        assertThat(error.out()).isEmpty();
    }

    @Test
    void theProcessExitsOneOnAnSqlError() throws Exception {
        Process p = HeraldCliTest.java("dev.herald.tools.HeraldCli", "sql", "--url", url(), "select nothing from nowhere");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("Table \"nowhere\" not found");
    }
}
