package dev.herald;

import static org.awaitility.Awaitility.await;

import dev.herald.channel.WebhookSigner;
import dev.herald.support.HeraldProcess;
import dev.herald.support.Postgres;
import dev.herald.support.Receiver;
import dev.herald.support.StandaloneArtemis;
import dev.herald.support.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliveries/s of one and of two Herald instances on a standalone Artemis and PostgreSQL, in the
 * same run. A measurement, not a test: it asserts nothing about speed and runs only when asked
 * (bench/scale-out.sh, or -Dherald.bench=true).
 */
@EnabledIfSystemProperty(named = "herald.bench", matches = "true")
class ScaleOutBenchmark {

    static final int EVENTS = Integer.getInteger("herald.bench.events", 3000);

    @TempDir
    Path dir;

    @Test
    void oneInstanceThenTwo() throws Exception {
        List<String> results = new ArrayList<>();
        for (int instances = 1; instances <= 2; instances++) {
            Path run = Files.createDirectories(dir.resolve("run-" + instances));
            String store = Postgres.freshSchemaUrl();
            try (StandaloneArtemis artemis = StandaloneArtemis.start(); Receiver receiver = new Receiver()) {
                Files.writeString(run.resolve("secret"), WebhookSigner.newSecret());
                Files.writeString(run.resolve("subscriptions.yaml"), TestHerald.webhooks("scale " + receiver.url("/scale"))
                        .replace("SECRET_FILE", run.resolve("secret").toString()));
                List<HeraldProcess> heralds = new ArrayList<>();
                try {
                    for (int n = 1; n <= instances; n++) {
                        heralds.add(HeraldProcess.start(ScaleOutTest.settings(run, n, artemis, store), Map.of(), run.resolve("herald-" + n + ".log")));
                    }
                    long t0 = System.currentTimeMillis();
                    ScaleOutTest.produce(artemis, EVENTS);
                    await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(200))
                            .until(() -> ScaleOutTest.eventIds(receiver).size() >= EVENTS);
                    long ms = System.currentTimeMillis() - t0;
                    results.add(String.format("%d instance(s): %d events in %d ms = %.0f deliveries/s", instances, EVENTS, ms, EVENTS * 1000.0 / ms));
                } finally {
                    for (HeraldProcess h : heralds) h.kill();
                }
            }
        }
        System.out.println("scale-out benchmark (" + Runtime.getRuntime().availableProcessors() + " cores, producer and receiver in the same JVM):");
        results.forEach(r -> System.out.println("  " + r));
    }
}
