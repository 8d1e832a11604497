package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.channel.WebhookSigner;
import dev.herald.support.HeraldProcess;
import dev.herald.support.Http;
import dev.herald.support.KafkaBroker;
import dev.herald.support.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator reads when Herald starts, with Herald's own logging (log4j2.xml): the HTTP
 * endpoints at the address they are served on (Camel's summary said http://0.0.0.0), and a
 * Kafka-enabled start without the clients' configuration dumps (about 740 lines instead of 170).
 * And `bin/herald send --kafka` prints its one result line, not a hundred lines of producer config.
 */
class StartupLogTest {

    @TempDir
    Path dir;

    @Test
    void theStartNamesTheRealAddressAndKafkaClientsKeepTheirConfigurationToThemselves() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start()) {
            kafka.createTopic("quiet.events", 1);
            Files.writeString(dir.resolve("secret"), WebhookSigner.newSecret());
            Files.writeString(dir.resolve("subscriptions.yaml"),
                    TestHerald.webhooks("p http://127.0.0.1:9/p").replace("SECRET_FILE", dir.resolve("secret").toString()));
            int http = TestHerald.freePort();
            int management = TestHerald.freePort();
            Map<String, String> settings = Map.of(
                    "herald.data.dir", dir.resolve("data").toString(),
                    "herald.broker.port", Integer.toString(TestHerald.freePort()),
                    "herald.http.port", Integer.toString(http),
                    "herald.management.port", Integer.toString(management),
                    "herald.store.url", "jdbc:h2:file:" + dir.resolve("data/store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0",
                    "herald.subscriptions.file", dir.resolve("subscriptions.yaml").toString(),
                    "herald.kafka.enabled", "true",
                    "herald.kafka.brokers", kafka.bootstrap(),
                    "herald.kafka.topics", "quiet.events");
            Path log = dir.resolve("herald.log");
            try (HeraldProcess herald = HeraldProcess.start(settings, Map.of(), log)) {
                // The summary follows the "started" line: Camel runs start-up listeners once every route runs.
                herald.awaitLog("Health and metrics on", Duration.ofSeconds(20));
                String atStart = Files.readString(log);
                assertThat(atStart).contains("HTTP API and console on http://127.0.0.1:" + http + ":",
                        "http://127.0.0.1:" + http + "/events ", "http://127.0.0.1:" + http + "/console ",
                        "Health and metrics on http://127.0.0.1:" + management + ":",
                        "http://127.0.0.1:" + management + "/observe/metrics ",
                        "Started ingress-kafka").doesNotContain("0.0.0.0");

                Path out = dir.resolve("send.out");
                Path err = dir.resolve("send.err");
                Process send = cli(out, err, "send", "--kafka", kafka.bootstrap(), "--topic", "quiet.events", "--key", "c-9",
                        "--header", "ce_type=order.created", "--header", "ce_id=quiet-1");
                assertThat(send.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(send.exitValue()).as(Files.readString(err)).isZero();
                assertThat(Files.readString(out)).matches("sent to quiet\\.events/0 at offset 0\\R");
                assertThat(Files.readString(err)).isEmpty();

                // The consumers have joined their group and read the record: everything they log about it is in.
                await().atMost(Duration.ofSeconds(60)).until(() -> accepted(management) >= 1);
                String text = Files.readString(log);
                assertThat(text).doesNotContain("ConsumerConfig values", "ProducerConfig values", "AdminClientConfig values")
                        .doesNotContainPattern("INFO .*\\] (ConsumerCoordinator|AppInfoParser|KafkaMetricsCollector|NetworkClient"
                                + "|ClassicKafkaConsumer|SubscriptionState) - ");
                // A start is a screenful or two (about 150 lines here), not the 750 of before.
                assertThat(text.lines().count()).isLessThan(300);
            }
        }
    }

    private static double accepted(int managementPort) throws Exception {
        String metrics = Http.get("http://127.0.0.1:" + managementPort + "/observe/metrics").body();
        return metrics.lines().filter(l -> l.startsWith("herald_events_accepted_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** bin/herald's Java side as its own process, with its own logging (as the launcher runs it). */
    private static Process cli(Path out, Path err, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "dev.herald.tools.HeraldCli"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    }
}
