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
 * it shows a dead letter, the replay button is clicked, and the console shows it delivered; it
 * shows input a route rejected, one message whole, and re-drives it (one, then all shown) once the
 * route is fixed. The screenshot is kept at target/console.png.
 */
class ConsoleBrowserTest {

    static final Path NODE_DIR = Path.of("src/test/node");
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    @Test
    void aDeadLetterIsReplayedAndRejectedInputReDrivenFromTheConsole() throws Exception {
        requireBrowser();
        String adminKey = ApiKeys.newKey();
        Path routes = Files.createTempDirectory("herald-routes");
        Path route = routes.resolve("ingress-shipments.yaml");
        Files.writeString(route, RejectedApiTest.ROUTE.replace("FIX", RejectedApiTest.BROKEN));
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start("""
                     subscriptions:
                       - id: partner-orders
                         description: The partner whose endpoint failed
                         types: ["shop.*", "order.*"]
                         channel: webhook
                         parameters: {url: "%s", secretFile: SECRET_FILE}
                         retry: [0s]
                       - id: down-partner
                         description: The partner whose endpoint is down
                         types: ["down.*"]
                         channel: webhook
                         parameters: {url: "%s", secretFile: SECRET_FILE}
                         retry: [0s, 100ms, 100ms, 100ms, 100ms, 100ms]
                     """.formatted(receiver.url("/partner"), receiver.url("/down")), Map.of("herald.http.admin-keys", "ops:" + ApiKeys.hash(adminKey),
                     "herald.circuit.failures", "3", "herald.circuit.probe-interval", "1h",
                     "camel.main.routes-include-pattern", "classpath:herald/core/*.camel.yaml,file:" + routes + "/*.yaml",
                     "camel.main.routes-reload-directory", routes.toString()))) {
            receiver.script("/partner", Response.of(500));
            for (int i = 0; i < 20; i++) receiver.script("/down", Response.of(503));
            // A partner whose endpoint is down: its circuit opens and its deliveries wait on it.
            for (int i = 1; i <= 3; i++) {
                assertThat(Http.post(herald.http("/events"), "application/cloudevents+json", """
                        {"specversion": "1.0", "id": "D-%d", "source": "urn:shop", "type": "down.order", "data": {}}""".formatted(i),
                        "Authorization", "Bearer " + adminKey).statusCode()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> Json.tree(Http.get(herald.http("/api/subscriptions/down-partner"),
                    "Authorization", "Bearer " + adminKey).body()).path("deferred").asInt() == 3);
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

            // Two shipments the route cannot read yet are rejected; then the integrator fixes the route.
            herald.send("legacy.shipments", "{\"orderId\": \"S-1\", \"status\": \"shipped\"}", Map.of("eventId", "ev-console-1"));
            herald.send("legacy.shipments", "{\"orderId\": \"S-2\", \"status\": \"shipped\"}", Map.of("eventId", "ev-console-2"));
            String firstRejected = await().atMost(Duration.ofSeconds(15)).until(() -> {
                var items = Json.tree(Http.get(herald.http("/api/rejected"), "Authorization", "Bearer " + adminKey).body()).path("items");
                return items.size() == 2 ? items.get(0).path("id").asText() : null;
            }, id -> id != null);
            RejectedApiTest.fixRoute(herald, route);

            Path png = Path.of("target/console.png").toAbsolutePath();
            Files.deleteIfExists(png);
            Process p = new ProcessBuilder("node", "console.mjs", herald.http("/console"), adminKey, deliveryId[0], firstRejected,
                    "ev-console-1,ev-console-2", png.toString(), "partner-orders,down-partner")
                    .directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
            boolean done = p.waitFor(90, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!done) p.destroyForcibly();
            assertThat(done).as(out).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("delivery " + deliveryId[0] + " is succeeded");
            assertThat(out).contains("saw rejected " + firstRejected + " with body {\"orderId\": \"S-1\"");
            assertThat(out).contains("rejected " + firstRejected + " re-driven", "re-drove all 1 shown",
                    "events ev-console-1,ev-console-2 received", "circuit of partner-orders: closed",
                    "waiting of partner-orders: 0 queued, 0 deferred", "circuit of down-partner: open since ",
                    "waiting of down-partner: 0 queued, 3 deferred", "subscription chart: Attempts per 60 minutes",
                    "queue chart: Messages waiting, sampled every 10 s over the last hour");
            assertThat(png).exists();
            // The receiver really got the replay, and the re-driven shipments.
            assertThat(receiver.requests("/partner").stream().filter(r -> r.bodyText().contains("\"C-1\""))).hasSize(2);
            assertThat(receiver.requests("/partner").stream().filter(r -> r.bodyText().contains("ev-console-"))).hasSize(2);
            assertThat(Json.tree(Http.get(herald.http("/api/rejected"), "Authorization", "Bearer " + adminKey).body()).path("items")).isEmpty();
        }
    }

    static void requireBrowser() {
        boolean chromium = Files.isExecutable(CHROMIUM);
        boolean playwright = Files.isDirectory(NODE_DIR.resolve("node_modules/playwright-core"));
        if (chromium && playwright) return;
        String why = (chromium ? "" : "Chromium is not installed at " + CHROMIUM + " (apt-get install chromium) ")
                + (playwright ? "" : "playwright-core is not installed (npm ci --prefix src/test/node)");
        if ("true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail(why + "; in CI the browser test must run");
        Assumptions.abort(why + ": skipping the console browser test");
    }
}
