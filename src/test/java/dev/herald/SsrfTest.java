package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.event.Json;
import dev.herald.support.LogCapture;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import dev.herald.support.TestHerald;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SSRF guard in a running Herald: at start, on live reload, through the allow-list, and redirects. */
class SsrfTest {

    @Test
    void aSubscriptionToALoopbackAddressStopsHeraldFromStartingWithoutTheAllowList() throws Exception {
        try (Receiver receiver = new Receiver()) {
            assertThatThrownBy(() -> TestHerald.start(TestHerald.webhooks("local " + receiver.url("/x")), Map.of("herald.ssrf.allow", "")))
                    .hasStackTraceContaining("subscriptions.yaml:5:23: subscription local: parameters.url: 127.0.0.1 is loopback")
                    .hasStackTraceContaining("herald.ssrf.allow");
        }
    }

    @Test
    void theAllowListLetsLoopbackThroughAndAnEditPointingAtTheMetadataServiceIsRefused() throws Exception {
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start(TestHerald.webhooks("p " + receiver.url("/p")),
                     Map.of("herald.ssrf.allow", "127.0.0.1/32", "herald.subscriptions.reload-interval", "200ms"))) {
            send(herald, "S-1");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests("/p").size() == 1);
            // Every webhook goes through Herald's connection pool, whose DNS resolver is the guard.
            var context = herald.herald().context();
            assertThat(context.getComponent("http", org.apache.camel.component.http.HttpComponent.class).getClientConnectionManager())
                    .isSameAs(context.getRegistry().lookupByName("heraldHttpConnections"));

            // Live edit to the cloud metadata service: refused, the previous subscription keeps serving.
            try (LogCapture logs = new LogCapture()) {
                Files.writeString(herald.dir.resolve("subscriptions.yaml"), TestHerald.webhooks("p http://169.254.169.254/latest/meta-data")
                        .replace("SECRET_FILE", herald.dir.resolve("secret").toString()));
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(logs.text()).contains("Refused the edited").contains("169.254.169.254"));
            }
            send(herald, "S-2");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests("/p").size() == 2);
        }
    }

    @Test
    void aRedirectToTheMetadataServiceIsNotFollowed() throws Exception {
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start(TestHerald.webhooks("r " + receiver.url("/r") + " [0s]"), Map.of())) {
            receiver.script("/r", Response.of(307, "Location", "http://169.254.169.254/latest/meta-data/iam/"));
            send(herald, "S-3");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(herald.query("select status_code, outcome from attempts")).singleElement()
                            .satisfies(a -> assertThat(a).containsEntry("status_code", 307).containsEntry("outcome", "dead")));
            assertThat(receiver.requests("/r")).hasSize(1);
        }
    }

    private static void send(TestHerald herald, String orderId) throws Exception {
        herald.send("legacy.orders", Json.string(Map.of("orderId", orderId, "status", "created")));
    }
}
