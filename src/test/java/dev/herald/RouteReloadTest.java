package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.event.Json;
import dev.herald.support.LogCapture;
import dev.herald.support.Receiver;
import dev.herald.support.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An integrator edits an ingress route while Herald runs: the change applies, a broken edit is
 * refused while the route keeps serving, and Herald's own pipeline routes are never restarted.
 */
class RouteReloadTest {

    @Test
    void editingARouteAppliesItWithoutRestartingThePipeline() throws Exception {
        Path routes = Files.createTempDirectory("herald-routes");
        Path route = routes.resolve("ingress-orders-json.yaml");
        String original = Files.readString(Path.of("routes/ingress-orders-json.yaml"));
        Files.writeString(route, original);
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start(TestHerald.webhooks("r " + receiver.url("/r")), Map.of(
                     "camel.main.routes-include-pattern", "classpath:herald/core/*.camel.yaml,file:" + routes + "/*.yaml",
                     // The rest of the reload settings are config/application.properties' own.
                     "camel.main.routes-reload-directory", routes.toString()))) {
            var camel = herald.herald().context();
            long uptimeBefore = camel.getRoute("herald-accept").getUptimeMillis();
            long wallBefore = System.currentTimeMillis();

            herald.send("legacy.orders", Json.string(Map.of("orderId", "RR-1", "status", "created")));
            await().atMost(Duration.ofSeconds(15)).until(() -> source(receiver, "RR-1") != null);
            assertThat(source(receiver, "RR-1")).isEqualTo("urn:legacy:shop-orders");

            Files.writeString(route, original.replace("urn:legacy:shop-orders", "urn:legacy:shop-orders-v2"));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                String id = "RR-" + System.nanoTime();
                herald.send("legacy.orders", Json.string(Map.of("orderId", id, "status", "created")));
                return await().atMost(Duration.ofSeconds(10)).until(() -> source(receiver, id), s -> s != null).endsWith("-v2");
            });

            // A broken edit: the route as it was keeps serving.
            try (LogCapture logs = new LogCapture()) {
                Files.writeString(route, original.replace("- to: direct:herald-accept", "- too: direct:herald-accept")
                        .replace("urn:legacy:shop-orders", "urn:legacy:shop-orders-v2"));
                await("the watcher tries the broken edit and refuses it").atMost(Duration.ofSeconds(20))
                        .until(() -> logs.text().contains("Error reloading routes from file: " + route + " due to: Unknown node id: too"));
            }
            herald.send("legacy.orders", Json.string(Map.of("orderId", "RR-broken", "status", "created")));
            await().atMost(Duration.ofSeconds(15)).until(() -> source(receiver, "RR-broken") != null);

            // Not restarted: its uptime grew by all the time that passed (a restart would have reset it).
            long grew = camel.getRoute("herald-accept").getUptimeMillis() - uptimeBefore;
            assertThat(grew).isGreaterThanOrEqualTo(System.currentTimeMillis() - wallBefore - 1000);
        }
    }

    private static String source(Receiver receiver, String orderId) {
        return receiver.requests("/r").stream().map(r -> Json.tree(r.bodyText()))
                .filter(e -> e.path("data").path("orderId").asText().equals(orderId))
                .map(e -> e.path("source").asText()).findFirst().orElse(null);
    }
}
