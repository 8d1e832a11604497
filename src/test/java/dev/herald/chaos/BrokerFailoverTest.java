package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.channel.WebhookSigner;
import dev.herald.event.Json;
import dev.herald.support.Http;
import dev.herald.support.HeraldProcess;
import dev.herald.support.Receiver;
import dev.herald.support.StandaloneArtemis;
import dev.herald.support.TestHerald;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Herald on a replicated Artemis pair (issue 18's first step): the primary killed with SIGKILL a
 * third of the way into the load; Herald follows the client failover to the backup, and every
 * event it accepted is delivered, a repeat only ever with the same webhook-id.
 */
class BrokerFailoverTest {

    static final int EVENTS = 300;

    @TempDir
    Path dir;

    @Test
    void aKilledPrimaryLosesNothingHeraldAccepted() throws Exception {
        List<StandaloneArtemis> pair = StandaloneArtemis.replicatedPair();
        try (Receiver receiver = new Receiver()) {
            Files.writeString(dir.resolve("secret"), WebhookSigner.newSecret());
            Files.writeString(dir.resolve("subscriptions.yaml"), TestHerald.webhooks("ha " + receiver.url("/ha"))
                    .replace("SECRET_FILE", dir.resolve("secret").toString()));
            int http = TestHerald.freePort();
            Map<String, String> settings = new java.util.HashMap<>(pair.get(0).heraldSettings(dir, 1,
                    "jdbc:h2:file:" + dir.resolve("store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;AUTO_SERVER=TRUE"));
            settings.put("herald.broker.url", StandaloneArtemis.failoverUrl(pair));
            settings.put("herald.http.port", Integer.toString(http));
            HeraldProcess herald = HeraldProcess.start(settings, Map.of(), dir.resolve("herald.log"));
            List<String> accepted = Collections.synchronizedList(new ArrayList<>());
            try {
                Thread load = new Thread(() -> {
                    for (int i = 1; i <= EVENTS; i++) {
                        if (post(http, "F-" + i)) accepted.add("F-" + i);
                        sleep(20);
                    }
                });
                load.start();
                await().atMost(Duration.ofMinutes(1)).until(() -> receiver.requests("/ha").size() >= EVENTS / 3);
                int before = receiver.requests("/ha").size();
                pair.get(0).kill();
                long killedAt = System.currentTimeMillis();
                // The pause: from the kill to the next webhook (the backup takes over, Herald reconnects).
                await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20)).until(() -> receiver.requests("/ha").size() > before);
                long paused = System.currentTimeMillis() - killedAt;
                load.join(Duration.ofMinutes(3).toMillis());
                assertThat(accepted.size()).as("most events are accepted across the failover").isGreaterThan(EVENTS * 3 / 4);

                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(eventIds(receiver)).containsAll(accepted));
                List<Receiver.Request> requests = receiver.requests("/ha");
                long ids = requests.stream().map(r -> r.header("webhook-id")).distinct().count();
                assertThat(ids).as("a repeat is only the same delivery again").isEqualTo(eventIds(receiver).size());
                System.out.printf("broker failover: %d accepted of %d, %d delivered (%d requests); deliveries paused %d ms at the kill%n",
                        accepted.size(), EVENTS, ids, requests.size(), paused);
            } finally {
                herald.kill();
            }
        } finally {
            pair.get(1).kill();
            pair.get(0).kill();
        }
    }

    private static List<String> eventIds(Receiver receiver) {
        return receiver.requests("/ha").stream().map(r -> Json.tree(r.bodyText()).path("id").asText()).distinct()
                .collect(Collectors.toList());
    }

    private static boolean post(int port, String id) {
        try {
            HttpResponse<String> r = Http.post("http://127.0.0.1:" + port + "/events", "application/cloudevents+json", Json.string(Map.of(
                    "specversion", "1.0", "id", id, "source", "urn:test", "type", "order.created", "data", Map.of("orderId", id))));
            return r.statusCode() == 202;
        } catch (Exception e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
