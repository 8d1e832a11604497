package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.channel.WebhookSigner;
import dev.herald.http.ApiKeys;
import dev.herald.support.Http;
import dev.herald.support.LogCapture;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import dev.herald.support.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Secrets and API keys never reach the logs, errors, the admin API or the metrics: a Herald with
 * every kind of secret runs deliveries that succeed and fail, is called with right and wrong keys,
 * and then everything it said is searched for them.
 */
class SecretsStayOutTest {

    @Test
    void noSecretAppearsAnywhereHeraldSpeaks() throws Exception {
        String oldSecret = WebhookSigner.newSecret();
        String slackToken = "XOXB" + ApiKeys.newKey().substring(3, 27);
        String smtpPassword = "pw-" + ApiKeys.newKey().substring(3, 27);
        String ingestKey = ApiKeys.newKey();
        String adminKey = ApiKeys.newKey();
        String wrongKey = ApiKeys.newKey();
        Path oldFile = Files.createTempFile("old-secret", "");
        Files.writeString(oldFile, oldSecret);
        List<String> said = new ArrayList<>();
        List<String> secrets = new ArrayList<>(List.of(oldSecret.substring(6), slackToken, smtpPassword, ingestKey, adminKey, wrongKey));
        try (LogCapture logs = new LogCapture(); Receiver receiver = new Receiver()) {
            receiver.script("/services/T1/B1/" + slackToken, Response.text(500, "internal_error"));
            int closedPort = TestHerald.freePort();
            try (TestHerald herald = TestHerald.start("""
                    subscriptions:
                      - id: hook
                        types: ["order.*"]
                        channel: webhook
                        parameters: {url: "%s", secretFile: SECRET_FILE, previousSecretFile: %s, previousSecretUntil: "%s"}
                      - id: slack
                        types: ["order.*"]
                        channel: slack
                        parameters: {url: "{{test.slack.url}}"}
                        retry: [0s]
                      - id: mail
                        types: ["order.*"]
                        channel: email
                        parameters: {host: 127.0.0.1, port: %d, username: herald, password: "{{test.smtp.password}}", starttls: false,
                                     from: h@example.com, to: t@example.com, subject: "x", text: "y"}
                        retry: [0s]
                    """.formatted(receiver.url("/hook"), oldFile, Instant.now().plusSeconds(3600), closedPort), Map.of(
                    "test.slack.url", receiver.url("/services/T1/B1/" + slackToken),
                    "test.smtp.password", smtpPassword,
                    "herald.http.ingest-keys", "shop:" + ApiKeys.hash(ingestKey),
                    "herald.http.admin-keys", "ops:" + ApiKeys.hash(adminKey)))) {
                secrets.add(herald.secret.substring(6));
                said.add(Http.post(herald.http("/events"), "application/cloudevents+json", """
                        {"specversion": "1.0", "id": "s-1", "source": "urn:t", "type": "order.created", "data": {"orderId": "S-1"}}""",
                        "Authorization", "Bearer " + ingestKey).body());
                said.add(Http.post(herald.http("/events"), "application/json", "{}", "Authorization", "Bearer " + wrongKey).body());
                said.add(Http.get(herald.http("/api/events"), "Authorization", "Bearer " + wrongKey).body());
                await().atMost(Duration.ofSeconds(20)).until(() -> herald.query("select delivery_id from dead_letters").size() == 2
                        && receiver.requests("/hook").size() == 1);
                for (String path : new String[] {"/api/subscriptions", "/api/events", "/api/events/s-1", "/api/dead-letters",
                        "/api/subscriptions/slack", "/api/subscriptions/mail", "/api/subscriptions/hook"}) {
                    said.add(Http.get(herald.http(path), "Authorization", "Bearer " + adminKey).body());
                }
                for (var row : herald.query("select id from deliveries")) {
                    said.add(Http.get(herald.http("/api/deliveries/" + row.get("id")), "Authorization", "Bearer " + adminKey).body());
                }
                said.add(Http.get(herald.management("/observe/metrics")).body());
                said.add(Http.get(herald.management("/observe/health")).body());
                said.add(herald.query("select * from attempts").toString());
                said.add(herald.query("select * from dead_letters").toString());
                said.add(herald.browse("herald.dead").toString());
            }
            said.add(logs.text());
            assertThat(logs.text()).as("the logs were captured").contains("is dead").contains("Accepted event s-1");
            String all = String.join("\n", said);
            // It did run what we meant: both failures were recorded, with their reasons.
            assertThat(all).contains("internal_error").contains("gave up after 1 attempt(s)");
            assertThat(secrets).hasSize(7);
            for (String secret : secrets) {
                assertThat(all).as("a secret leaked").doesNotContain(secret);
            }
        }
    }
}
