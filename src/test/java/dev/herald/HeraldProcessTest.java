package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.deliver.WebhookSigner;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import dev.herald.support.TestHerald;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

            Process herald = start(port);
            try {
                send(port, "{\"orderId\": \"K-1\", \"status\": \"created\"}");
                await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests("/p").size() == 1);
                long first = receiver.requests("/p").get(0).receivedAt();
                Thread.sleep(500); // let the attempt's transaction (ack + scheduled retry) commit
                herald.destroyForcibly().waitFor();

                herald = start(port);
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests("/p").size() == 2);
                assertThat(receiver.requests("/p").get(1).receivedAt() - first).isGreaterThanOrEqualTo(6000);
                assertThat(receiver.requests("/p").get(1).header("webhook-id")).isEqualTo(receiver.requests("/p").get(0).header("webhook-id"));
            } finally {
                herald.destroyForcibly().waitFor();
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
        Process p = new ProcessBuilder(command()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("Herald exits instead of hanging").isTrue();
            assertThat(p.exitValue()).isEqualTo(1);
            assertThat(Files.readString(log))
                    .contains("herald: cannot start: " + dir.resolve("subscriptions.yaml") + " has 4 problem(s)")
                    .contains("subscriptions[0] (leaky): parameters.secret is written into the file")
                    .contains("subscriptions[1] (typo): unknown key 'tpyes'")
                    .doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    private int starts;

    private Process start(int port) throws Exception {
        Path log = dir.resolve("herald-" + (++starts) + ".log");
        ProcessBuilder pb = new ProcessBuilder(command()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("HERALD_BROKER_PORT", Integer.toString(port));
        pb.environment().put("HERALD_RETRY_JITTER", "0");
        Process p = pb.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                if (!p.isAlive()) throw new AssertionError("Herald exited:\n" + Files.readString(log));
                return Files.readString(log).contains("(herald) started");
            });
            try (Socket s = new Socket("127.0.0.1", port)) {
                assertThat(s.isConnected()).as("the broker listens on the port from HERALD_BROKER_PORT").isTrue();
            }
            return p;
        } catch (Throwable t) {
            p.destroyForcibly().waitFor(); // never leave a Herald running behind a failed test
            throw t;
        }
    }

    private static void send(int port, String text) throws Exception {
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
             Connection c = cf.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            s.createProducer(s.createQueue("legacy.orders")).send(s.createTextMessage(text));
        }
    }


    /** The command an operator would run, with this test's data directory and subscriptions. */
    private List<String> command() {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                "-Dlog4j2.configurationFile=log4j2.xml", "dev.herald.Herald",
                "--herald.data.dir=" + dir.resolve("data"),
                "--herald.subscriptions.file=" + dir.resolve("subscriptions.yaml"),
                "--herald.store.url=jdbc:h2:file:" + dir.resolve("data/store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
    }
}
