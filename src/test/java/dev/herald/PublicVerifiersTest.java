package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.event.Json;
import dev.herald.support.PartnerClient;
import dev.herald.support.Receiver;
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
 * The public Standard Webhooks verifiers (npm `standardwebhooks` and `svix`, installed into
 * src/test/node by `npm ci`) accept a real delivery from Herald, and reject it once tampered with.
 */
class PublicVerifiersTest {

    static final Path NODE_DIR = Path.of("src/test/node");

    @Test
    void theStandardWebhooksAndSvixLibrariesAcceptHeraldsSignature() throws Exception {
        requireNodeLibraries();
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start(TestHerald.webhooks("compat " + receiver.url("/compat")), Map.of())) {
            herald.send("legacy.orders", "{\"orderId\": \"N-1\", \"status\": \"created\", \"note\": \"caf\u00e9 \u2713\"}");
            Receiver.Request r = await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/compat"), l -> !l.isEmpty()).get(0);

            String accepted = node(herald.secret, r, r.bodyText());
            assertThat(accepted).contains("standardwebhooks: verified").contains("svix: verified");
            String tampered = node(herald.secret, r, r.bodyText().replace("N-1", "N-2"));
            assertThat(tampered).contains("standardwebhooks: REJECTED").contains("svix: REJECTED");
        }
    }

    @Test
    void duringARotationBothSecretsVerifyAndAfterItOnlyTheNewOne() throws Exception {
        requireNodeLibraries();
        String old = dev.herald.channel.WebhookSigner.newSecret();
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start("""
                     subscriptions:
                       - id: rotating
                         types: ["order.*"]
                         channel: webhook
                         parameters: {url: "%s", secretFile: SECRET_FILE, previousSecretFile: OLD_FILE, previousSecretUntil: "%s"}
                       - id: rotated
                         types: ["order.*"]
                         channel: webhook
                         parameters: {url: "%s", secretFile: SECRET_FILE, previousSecretFile: OLD_FILE, previousSecretUntil: "%s"}
                     """.formatted(receiver.url("/rotating"), java.time.Instant.now().plusSeconds(3600),
                     receiver.url("/rotated"), java.time.Instant.now().minusSeconds(60))
                     .replace("OLD_FILE", writeSecret(old).toString()), Map.of())) {
            herald.send("legacy.orders", "{\"orderId\": \"R-1\", \"status\": \"created\"}");
            Receiver.Request during = await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/rotating"), l -> !l.isEmpty()).get(0);
            Receiver.Request after = await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/rotated"), l -> !l.isEmpty()).get(0);

            assertThat(during.header("webhook-signature").split(" ")).hasSize(2);
            assertThat(node(herald.secret, during, during.bodyText())).contains("standardwebhooks: verified").contains("svix: verified");
            assertThat(node(old, during, during.bodyText())).contains("standardwebhooks: verified").contains("svix: verified");

            assertThat(after.header("webhook-signature").split(" ")).hasSize(1);
            assertThat(node(herald.secret, after, after.bodyText())).contains("standardwebhooks: verified");
            assertThat(node(old, after, after.bodyText())).contains("standardwebhooks: REJECTED").contains("svix: REJECTED");
        }
    }

    /** A partner rotates its secret over the partner API: both verify during the window, only the new one after it. */
    @Test
    void aPartnersRotationOverTheApiVerifiesWithBothSecretsThenOnlyTheNew() throws Exception {
        requireNodeLibraries();
        String adminKey = dev.herald.http.ApiKeys.newKey();
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start("subscriptions: []\n", Map.of(
                     "herald.http.admin-keys", "ops:" + dev.herald.http.ApiKeys.hash(adminKey),
                     "herald.partners.ssrf.allow", "127.0.0.1:" + receiver.url("").replaceFirst(".*:", ""),
                     "herald.partners.rotation-window", "4s"))) {
            PartnerClient p = PartnerClient.create(herald, adminKey, "rotor", null);
            String first = p.subscribe("{\"name\": \"hooks\", \"url\": \"" + receiver.url("/rotor") + "\", \"types\": [\"order.*\"]}")
                    .path("secret").asText();
            var rotated = p.post("/subscriptions/rotor.hooks/rotate-secret", "{}");
            assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
            String second = Json.tree(rotated.body()).path("secret").asText();
            assertThat(second).startsWith("whsec_").isNotEqualTo(first);

            herald.send("legacy.orders", "{\"orderId\": \"R-1\", \"status\": \"created\", \"partner\": \"rotor\"}");
            Receiver.Request during = await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/rotor"), l -> !l.isEmpty()).get(0);
            assertThat(during.header("webhook-signature").split(" ")).hasSize(2);
            assertThat(node(first, during, during.bodyText())).contains("standardwebhooks: verified").contains("svix: verified");
            assertThat(node(second, during, during.bodyText())).contains("standardwebhooks: verified").contains("svix: verified");

            Thread.sleep(4_500); // the window ends
            herald.send("legacy.orders", "{\"orderId\": \"R-2\", \"status\": \"created\"}", Map.of("ce_partnerid", "rotor"));
            Receiver.Request after = await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/rotor"), l -> l.size() == 2).get(1);
            assertThat(after.header("webhook-signature").split(" ")).hasSize(1);
            assertThat(node(second, after, after.bodyText())).contains("standardwebhooks: verified");
            assertThat(node(first, after, after.bodyText())).contains("standardwebhooks: REJECTED").contains("svix: REJECTED");
        }
    }

    private static Path writeSecret(String secret) throws Exception {
        Path f = Files.createTempFile("herald-old-secret", "");
        Files.writeString(f, secret);
        f.toFile().deleteOnExit();
        return f;
    }

    private static String node(String secret, Receiver.Request r, String body) throws Exception {
        String input = Json.string(Map.of("secret", secret, "body", body, "headers", Map.of(
                "webhook-id", r.header("webhook-id"),
                "webhook-timestamp", r.header("webhook-timestamp"),
                "webhook-signature", r.header("webhook-signature"))));
        Process p = new ProcessBuilder("node", "verify.mjs").directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static void requireNodeLibraries() {
        boolean installed = Files.isDirectory(NODE_DIR.resolve("node_modules/standardwebhooks"))
                && Files.isDirectory(NODE_DIR.resolve("node_modules/svix"));
        String why = "the npm verifiers are not installed (run: npm ci --prefix src/test/node)";
        if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail(why + "; in CI this test must run");
        Assumptions.assumeTrue(installed, why + ": skipping");
    }
}
