package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.channel.WebhookSigner;
import dev.herald.support.HeraldProcess;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import dev.herald.support.TestHerald;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Herald as a separate process, configured the way operators do (environment variables and
 * --key=value arguments), killed with SIGKILL while a retry is pending, and started again.
 */
class HeraldProcessTest {

    @TempDir
    Path dir;

    @Test
    void aKilledHeraldKeepsItsPendingRetryAndHonoursEnvironmentAndArgumentOverrides() throws Exception {
        try (Receiver receiver = new Receiver()) {
            receiver.script("/p", Response.of(500));
            String secret = WebhookSigner.newSecret();
            Files.writeString(dir.resolve("secret"), secret);
            Files.writeString(dir.resolve("subscriptions.yaml"), """
                    subscriptions:
                      - id: proc
                        types: ["order.*"]
                        channel: webhook
                        parameters: {url: "%s", secretFile: %s}
                        retry: [0s, 6s]
                    """.formatted(receiver.url("/p"), dir.resolve("secret")));
            int port = TestHerald.freePort();

            HeraldProcess herald = start(port);
            try {
                send(port, "{\"orderId\": \"K-1\", \"status\": \"created\"}");
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests("/p").size() == 1);
                long first = receiver.requests("/p").get(0).receivedAt();
                Thread.sleep(500); // let the attempt's transaction (ack + scheduled retry) commit
                herald.kill();

                herald = start(port);
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests("/p").size() == 2);
                assertThat(receiver.requests("/p").get(1).receivedAt() - first).isGreaterThanOrEqualTo(6000);
                assertThat(receiver.requests("/p").get(1).header("webhook-id")).isEqualTo(receiver.requests("/p").get(0).header("webhook-id"));
            } finally {
                herald.kill();
            }
        }
    }

    @Test
    void aBrokenSubscriptionsFileStopsHeraldWithEveryProblemNamed() throws Exception {
        Files.writeString(dir.resolve("subscriptions.yaml"), """
                subscriptions:
                  - id: leaky
                    types: ["order.*"]
                    parameters: {url: "https://partner.example/hooks", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
                  - id: typo
                    tpyes: ["order.*"]
                    parameters: {url: "https://partner.example/hooks", secretFile: /nonexistent}
                """);
        Path log = dir.resolve("broken.log");
        Process p = new ProcessBuilder(HeraldProcess.command(settings())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("Herald exits instead of hanging").isTrue();
            assertThat(p.exitValue()).isEqualTo(1);
            assertThat(Files.readString(log))
                    .contains("herald: cannot start: " + dir.resolve("subscriptions.yaml") + " has 4 problem(s)")
                    .contains("subscriptions.yaml:4:64: subscription leaky: parameters.secret is written into the file")
                    .contains("subscriptions.yaml:6:5: subscription typo: unknown key 'tpyes'")
                    .doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    private int starts;

    private HeraldProcess start(int port) throws Exception {
        HeraldProcess h = HeraldProcess.start(settings(),
                Map.of("HERALD_BROKER_PORT", Integer.toString(port), "HERALD_RETRY_JITTER", "0"),
                dir.resolve("herald-" + (++starts) + ".log"));
        try (Socket s = new Socket("127.0.0.1", port)) {
            assertThat(s.isConnected()).as("the broker listens on the port from HERALD_BROKER_PORT").isTrue();
        }
        return h;
    }

    private Map<String, String> settings() {
        return Map.of("herald.data.dir", dir.resolve("data").toString(),
                "herald.subscriptions.file", dir.resolve("subscriptions.yaml").toString(),
                "herald.store.url", "jdbc:h2:file:" + dir.resolve("data/store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0");
    }

    private void send(int port, String text) throws Exception {
        String password = Files.readString(dir.resolve("data/broker-producer.password")).trim();
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port, "producer", password);
             Connection c = cf.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            s.createProducer(s.createQueue("legacy.orders")).send(s.createTextMessage(text));
        }
    }
}
