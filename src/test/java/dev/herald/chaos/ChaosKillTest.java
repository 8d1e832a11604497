package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.channel.WebhookSigner;
import dev.herald.support.HeraldProcess;
import dev.herald.support.Receiver;
import dev.herald.support.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Herald (with its embedded broker) killed with SIGKILL while thousands of events are in flight, then restarted. */
class ChaosKillTest {

    static final int EVENTS = 2000;

    @TempDir
    Path dir;

    @Test
    void aKillNineMidLoadLosesNothing() throws Exception {
        try (Receiver receiver = new Receiver()) {
            Files.writeString(dir.resolve("secret"), WebhookSigner.newSecret());
            Files.writeString(dir.resolve("subscriptions.yaml"), TestHerald.webhooks("chaos " + receiver.url("/k"))
                    .replace("SECRET_FILE", dir.resolve("secret").toString()));
            int port = TestHerald.freePort();
            String store = "jdbc:h2:file:" + dir.resolve("data/store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;AUTO_SERVER=TRUE;WRITE_DELAY=0";
            Map<String, String> settings = Map.of("herald.data.dir", dir.resolve("data").toString(), "herald.broker.port", Integer.toString(port),
                    "herald.subscriptions.file", dir.resolve("subscriptions.yaml").toString(), "herald.store.url", store);

            HeraldProcess herald = HeraldProcess.start(settings, Map.of(), dir.resolve("herald-1.log"));
            try {
                Load.send("tcp://127.0.0.1:" + port, "producer", Files.readString(dir.resolve("data/broker-producer.password")).trim(),
                        Load.orders("K-", EVENTS, "k"));
                await().atMost(Duration.ofMinutes(2)).until(() -> Load.eventIds(receiver, "/k").size() >= EVENTS / 4);
                herald.kill();
                int beforeRestart = Load.eventIds(receiver, "/k").size();
                assertThat(beforeRestart).as("Herald died with deliveries still to make").isLessThan(EVENTS);

                herald = HeraldProcess.start(settings, Map.of(), dir.resolve("herald-2.log"));
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                        .until(() -> Load.eventIds(receiver, "/k").size() >= EVENTS);
                // Every attempt is in the store too (a failure here shows what the store holds instead).
                await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(byStatus(store)).isEqualTo(Map.of("succeeded", (long) EVENTS)));

                long delivered = Load.eventIds(receiver, "/k").size();
                long requests = receiver.requests("/k").size();
                new Tally("kill -9 mid-load (killed at " + beforeRestart + ")", EVENTS, count(store, "select count(*) from events"), delivered,
                        count(store, "select count(*) from dead_letters"), 0, requests - delivered).print();
                assertThat(delivered).isEqualTo(EVENTS);
                assertThat(count(store, "select count(*) from events")).isEqualTo(EVENTS);
                assertThat(count(store, "select count(*) from dead_letters")).isZero();
                // A duplicate is only ever the same delivery again (same webhook-id), never a new one.
                assertThat(receiver.requests("/k").stream().map(r -> r.header("webhook-id")).distinct().count()).isEqualTo(EVENTS);
            } finally {
                herald.kill();
            }
        }
    }

    static Map<String, Long> byStatus(String url) throws Exception {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (var c = DriverManager.getConnection(url);
             var rs = c.createStatement().executeQuery("select status, count(*) from deliveries group by status")) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        out.put("(no delivery row)", EVENTS - out.values().stream().mapToLong(Long::longValue).sum());
        out.values().removeIf(v -> v == 0);
        return out;
    }

    static long count(String url, String sql) throws Exception {
        try (var c = DriverManager.getConnection(url); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
