package dev.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.support.Http;
import dev.herald.support.Postgres;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import dev.herald.support.TcpProxy;
import dev.herald.support.TestHerald;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Health and metrics on the management port, against a Herald whose store (PostgreSQL) can be cut off. */
class ObservabilityTest {

    static String event(String id, String type) {
        return """
                {"specversion": "1.0", "id": "%s", "source": "urn:metrics", "type": "%s", "data": {"id": "%s"}}""".formatted(id, type, id);
    }

    @Test
    void readinessFollowsTheStoreAndTheCountersReadExactlyWhatHappened() throws Exception {
        String direct = Postgres.freshSchemaUrl();
        try (TcpProxy proxy = new TcpProxy(5432);
             Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start("""
                     subscriptions:
                       - id: m
                         types: ["metric.*"]
                         channel: webhook
                         parameters: {url: "%s", secretFile: SECRET_FILE}
                         retry: [0s, 200ms]
                     """.formatted(receiver.url("/m")),
                     Map.of("herald.store.url", direct.replace(":5432/", ":" + proxy.port() + "/")))) {
            // Metrics: 3 events; M-1 succeeds at once, M-2 on its retry, M-3 fails both attempts (dead).
            receiver.script("/m", "\"M-2\"", Response.of(500));
            receiver.script("/m", "\"M-3\"", Response.of(500), Response.of(503));
            for (String id : new String[] {"M-1", "M-2", "M-3"}) {
                assertThat(Http.post(herald.http("/events"), "application/cloudevents+json", event(id, "metric.test")).statusCode())
                        .isEqualTo(202);
            }
            assertThat(Http.post(herald.http("/events"), "application/json", "{\"specversion\": \"1.0\"}").statusCode()).isEqualTo(400);
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/m").size() >= 5);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String m = Http.get(herald.management("/observe/metrics")).body();
                assertThat(value(m, "herald_events_accepted_total", "source=\"urn:metrics\",type=\"metric.test\"")).isEqualTo(3);
                assertThat(value(m, "herald_events_rejected_total", "ingress=\"http\"")).isEqualTo(1);
                assertThat(value(m, "herald_delivery_attempts_total", "channel=\"webhook\",outcome=\"succeeded\",subscription=\"m\"")).isEqualTo(2);
                assertThat(value(m, "herald_delivery_attempts_total", "channel=\"webhook\",outcome=\"retrying\",subscription=\"m\"")).isEqualTo(2);
                assertThat(value(m, "herald_delivery_attempts_total", "channel=\"webhook\",outcome=\"dead\",subscription=\"m\"")).isEqualTo(1);
                assertThat(value(m, "herald_retries_scheduled_total", "subscription=\"m\"")).isEqualTo(2);
                assertThat(value(m, "herald_delivery_attempt_duration_seconds_count", "channel=\"webhook\",subscription=\"m\"")).isEqualTo(5);
                assertThat(value(m, "herald_queue_depth", "queue=\"herald.dead\"")).isEqualTo(1);
                assertThat(value(m, "herald_subscriptions_disabled", null)).isEqualTo(0);
            });

            // Health: live and ready; the store cut off -> not ready (still live); back -> ready.
            assertThat(Http.get(herald.management("/observe/health/live")).statusCode()).isEqualTo(200);
            assertThat(Http.get(herald.management("/observe/health/ready")).statusCode()).isEqualTo(200);
            proxy.down();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                var ready = Http.get(herald.management("/observe/health/ready"));
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("store");
            });
            assertThat(Http.get(herald.management("/observe/health/live")).statusCode()).isEqualTo(200);
            proxy.up();
            await().atMost(Duration.ofSeconds(30)).until(() -> Http.get(herald.management("/observe/health/ready")).statusCode() == 200);
        }
    }

    /** A sample's value from the Prometheus text format; labels as they are printed (sorted by name). */
    static double value(String metrics, String name, String labels) {
        Pattern p = Pattern.compile("(?m)^" + Pattern.quote(name) + (labels == null ? "" : "\\{" + Pattern.quote(labels) + "\\}")
                + " ([0-9.eE+-]+)$");
        Matcher m = p.matcher(metrics);
        if (!m.find()) throw new AssertionError(name + "{" + labels + "} not in the metrics:\n"
                + metrics.lines().filter(l -> !l.startsWith("#")).limit(40).reduce("", (a, b) -> a + b + "\n"));
        return Double.parseDouble(m.group(1));
    }
}
