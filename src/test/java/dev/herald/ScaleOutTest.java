package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.channel.WebhookSigner;
import dev.herald.event.Json;
import dev.herald.support.HeraldProcess;
import dev.herald.support.Postgres;
import dev.herald.support.Receiver;
import dev.herald.support.StandaloneArtemis;
import dev.herald.support.TestHerald;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Herald instances on one standalone Artemis broker and one PostgreSQL store: they share the
 * work, and killing one with SIGKILL in the middle of the load loses nothing.
 */
class ScaleOutTest {

    static final int EVENTS = Integer.getInteger("herald.test.scaleout.events", 2000);

    @TempDir
    Path dir;

    @Test
    void twoInstancesShareTheLoadAndAKilledOneLosesNothing() throws Exception {
        String store = Postgres.freshSchemaUrl();
        try (StandaloneArtemis artemis = StandaloneArtemis.start(); Receiver receiver = new Receiver()) {
            Files.writeString(dir.resolve("secret"), WebhookSigner.newSecret());
            Files.writeString(dir.resolve("subscriptions.yaml"), TestHerald.webhooks("scale " + receiver.url("/scale") + " [0s, 1s, 2s, 5s]")
                    .replace("SECRET_FILE", dir.resolve("secret").toString()));
            HeraldProcess one = HeraldProcess.start(settings(1, artemis, store), Map.of(), dir.resolve("herald-1.log"));
            HeraldProcess two = HeraldProcess.start(settings(2, artemis, store), Map.of(), dir.resolve("herald-2.log"));
            try {
                long t0 = System.currentTimeMillis();
                CompletableFuture<Void> load = CompletableFuture.runAsync(() -> produce(artemis, EVENTS));

                await().atMost(Duration.ofMinutes(3)).until(() -> eventIds(receiver).size() >= EVENTS / 3);
                two.kill();
                long killedAt = System.currentTimeMillis();

                load.get();
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                        .until(() -> eventIds(receiver).size() >= EVENTS);
                long t1 = System.currentTimeMillis();

                Set<String> ids = eventIds(receiver);
                assertThat(ids).hasSize(EVENTS);
                // At least once: a copy is only ever a repeat of the same delivery (same webhook-id).
                assertThat(receiver.requests("/scale").stream().map(r -> r.header("webhook-id")).distinct().count()).isEqualTo(EVENTS);
                int copies = receiver.requests("/scale").size() - EVENTS;

                await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(count(store,
                        "select count(*) from deliveries where status = 'succeeded'")).isEqualTo(EVENTS));
                Map<String, Long> byInstance = byInstance(store);
                assertThat(byInstance.keySet()).contains("herald-1", "herald-2");
                System.out.printf("scale-out: %d events through 2 instances (one killed after %d ms) in %d ms = %.0f deliveries/s;"
                                + " attempts by instance %s; %d repeated deliveries%n",
                        EVENTS, killedAt - t0, t1 - t0, EVENTS * 1000.0 / (t1 - t0), byInstance, copies);
            } finally {
                one.kill();
                two.kill();
            }
        }
    }

    private Map<String, String> settings(int n, StandaloneArtemis artemis, String store) {
        return settings(dir, n, artemis, store);
    }

    /** Instance n's settings: its own data directory, the shared broker, store and subscriptions. */
    static Map<String, String> settings(Path dir, int n, StandaloneArtemis artemis, String store) {
        return artemis.heraldSettings(dir, n, store);
    }

    static void produce(StandaloneArtemis artemis, int events) {
        AtomicInteger next = new AtomicInteger();
        CompletableFuture<?>[] producers = new CompletableFuture<?>[4];
        for (int t = 0; t < producers.length; t++) {
            producers[t] = CompletableFuture.runAsync(() -> {
                try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(artemis.url(), StandaloneArtemis.USER, StandaloneArtemis.PASSWORD);
                     Connection c = cf.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
                    MessageProducer p = s.createProducer(s.createQueue("legacy.orders"));
                    for (int i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
                        TextMessage m = s.createTextMessage(Json.string(Map.of("orderId", "S-" + i, "status", "created")));
                        m.setStringProperty("eventId", "scale-" + i);
                        p.send(m);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        CompletableFuture.allOf(producers).join();
    }

    static Set<String> eventIds(Receiver receiver) {
        return receiver.requests("/scale").stream().map(r -> Json.tree(r.bodyText()).path("id").asText()).collect(Collectors.toSet());
    }

    private static long count(String url, String sql) throws Exception {
        try (var c = DriverManager.getConnection(url); var rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, Long> byInstance(String url) throws Exception {
        Map<String, Long> out = new HashMap<>();
        try (var c = DriverManager.getConnection(url);
             var rs = c.createStatement().executeQuery("select instance_id, count(*) from attempts group by instance_id")) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }
}
