package dev.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.Http;
import dev.herald.support.PartnerClient;
import dev.herald.support.Receiver;
import dev.herald.support.StandardWebhooksVerifier;
import dev.herald.support.TestHerald;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The partner portal in a real browser (Chromium, driven by playwright-core from src/test/node), as
 * the partner handed a portal link: its endpoints and a chart, a failed delivery's attempts with its
 * own answer, the dead letter replayed, a secret rotated, a test event sent, a stream's consumers. The screenshot is kept
 * at target/portal.png.
 */
class PortalBrowserTest {

    @Test
    void aPartnerListsInspectsReplaysRotatesAndTestsFromThePortal() throws Exception {
        ConsoleBrowserTest.requireBrowser();
        String adminKey = ApiKeys.newKey();
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start("subscriptions: []\n", Map.of("herald.http.admin-keys", "ops:" + ApiKeys.hash(adminKey),
                     "herald.partners.ssrf.allow", "127.0.0.1:" + receiver.url("").replaceFirst(".*:", "")))) {
            PartnerClient p = PartnerClient.create(herald, adminKey, "shop", null);
            p.subscribe("{\"name\": \"failing\", \"url\": \"" + receiver.url("/failing") + "\", \"types\": [\"order.*\"], \"retry\": [\"0s\"]}");
            JsonNode ok = p.subscribe("{\"name\": \"ok\", \"url\": \"" + receiver.url("/ok") + "\", \"types\": [\"order.*\"]}");
            receiver.script("/failing", Receiver.Response.text(503, "maintenance until noon"));
            p.subscribe("{\"name\": \"feed\", \"stream\": {}, \"types\": [\"order.*\"]}");
            assertThat(Http.post(herald.http("/events"), "application/cloudevents+json", "{\"specversion\": \"1.0\", \"id\": \"portal-1\","
                    + " \"source\": \"urn:test\", \"type\": \"order.created\", \"partnerid\": \"shop\", \"data\": {\"orderId\": \"P-1\"}}",
                    "Authorization", "Bearer " + adminKey).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(15)).until(() -> Json.tree(p.get("/dead-letters").body()).path("items").size() == 1);
            // A consumer of the stream that took the event and has not committed it: one behind.
            await().atMost(Duration.ofSeconds(15)).until(() -> Json.tree(p.get("/subscriptions/shop.feed/events?consumer=nightly").body())
                    .path("events").size() == 1);

            var linked = Http.post(herald.http("/api/partners/shop/portal-link"), "application/json", "{\"validFor\": \"10m\"}",
                    "Authorization", "Bearer " + adminKey);
            assertThat(linked.statusCode()).as(linked.body()).isEqualTo(201);
            String link = Json.tree(linked.body()).path("url").asText();
            assertThat(link).contains("/portal#token=hpp_");

            Path png = Path.of("target/portal.png").toAbsolutePath();
            Files.deleteIfExists(png);
            Process node = new ProcessBuilder("node", "portal.mjs", link, "shop.failing", "shop.ok", png.toString(), "shop.feed")
                    .directory(ConsoleBrowserTest.NODE_DIR.toFile()).redirectErrorStream(true).start();
            boolean done = node.waitFor(90, TimeUnit.SECONDS);
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!done) node.destroyForcibly();
            assertThat(done).as(out).isTrue();
            assertThat(node.exitValue()).as(out).isZero();
            assertThat(out).contains("endpoints: 3", "attempts: 503 answered maintenance until noon", "test sent")
                    .doesNotContain("address bar after load: " + link);
            assertThat(out).containsPattern("chart bars: [1-9]");
            assertThat(out).contains("stream endpoint: stream (broadcast)").containsPattern("stream consumers: nightly \\| polling \\| \\S+ \\| 1 \\|");
            assertThat(png).exists();

            // What the clicks did, seen from outside: the replay arrived (same webhook-id), the test too,
            // signed with the rotated secret and, during the window, the first one.
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/failing").size() == 2);
            assertThat(receiver.requests("/failing").get(1).header("webhook-id")).isEqualTo(receiver.requests("/failing").get(0).header("webhook-id"));
            Receiver.Request test = await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/ok").stream()
                    .filter(r -> r.bodyText().contains("herald.test")).findFirst().orElse(null), r -> r != null);
            String rotated = out.replaceAll("(?s).*new secret (whsec_\\S+).*", "$1");
            for (String secret : new String[] {rotated, ok.path("secret").asText()}) {
                assertThat(StandardWebhooksVerifier.verify(secret, test.header("webhook-id"), test.header("webhook-timestamp"),
                        test.header("webhook-signature"), test.body(), System.currentTimeMillis() / 1000, 300)).as(secret).isTrue();
            }
        }
    }
}
