package dev.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.event.Json;
import dev.herald.support.Http;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import dev.herald.support.TestHerald;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The console in a real browser (Debian's Chromium, driven by playwright-core from src/test/node):
 * it shows a dead letter, the replay button is clicked, and the console shows it delivered. The
 * screenshot is kept at target/console.png.
 */
class ConsoleBrowserTest {

    static final Path NODE_DIR = Path.of("src/test/node");
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @Test
    void aDeadLetterIsReplayedFromTheConsole() throws Exception {
        requireBrowser();
        String adminKey = ApiKeys.newKey();
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start("""
                     subscriptions:
                       - id: partner-orders
                         description: The partner whose endpoint failed
                         types: ["shop.*"]
                         channel: webhook
                         parameters: {url: "%s", secretFile: SECRET_FILE}
                         retry: [0s]
                     """.formatted(receiver.url("/partner")), Map.of("herald.http.admin-keys", "ops:" + ApiKeys.hash(adminKey)))) {
            receiver.script("/partner", Response.of(500));
            assertThat(Http.post(herald.http("/events"), "application/cloudevents+json", """
                    {"specversion": "1.0", "id": "C-1", "source": "urn:shop", "type": "shop.order", "data": {"orderId": "C-1"}}""",
                    "Authorization", "Bearer " + adminKey).statusCode()).isEqualTo(202);
            String[] deliveryId = new String[1];
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                var r = Http.get(herald.http("/api/dead-letters"), "Authorization", "Bearer " + adminKey);
                var items = Json.tree(r.body()).path("items");
                if (items.isEmpty()) return false;
                deliveryId[0] = items.get(0).path("deliveryId").asText();
                return true;
            });

            Path png = Path.of("target/console.png").toAbsolutePath();
            Files.deleteIfExists(png);
            Process p = new ProcessBuilder("node", "console.mjs", herald.http("/console"), adminKey, deliveryId[0], png.toString())
                    .directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
            boolean done = p.waitFor(90, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!done) p.destroyForcibly();
            assertThat(done).as(out).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("delivery " + deliveryId[0] + " is succeeded");
            assertThat(png).exists();
            // The receiver really got it the second time.
            assertThat(receiver.requests("/partner")).hasSize(2);
        }
    }

    private static void requireBrowser() {
        boolean chromium = Files.isExecutable(CHROMIUM);
        boolean playwright = Files.isDirectory(NODE_DIR.resolve("node_modules/playwright-core"));
        if (chromium && playwright) return;
        String why = (chromium ? "" : "Chromium is not installed at " + CHROMIUM + " (apt-get install chromium) ")
                + (playwright ? "" : "playwright-core is not installed (npm ci --prefix src/test/node)");
        if ("true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail(why + "; in CI the browser test must run");
        Assumptions.abort(why + ": skipping the console browser test");
    }
}
