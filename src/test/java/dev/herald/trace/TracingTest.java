package dev.herald.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.support.Http;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import dev.herald.support.TestHerald;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * W3C trace context from the producer, through accept, dispatch and every attempt (scheduled
 * retries on the broker included), to the webhook's traceparent: one trace.
 */
class TracingTest {

    static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    static final String PRODUCER_SPAN = "b7ad6b7169203331";
    static final String TRACEPARENT = "00-" + TRACE + "-" + PRODUCER_SPAN + "-01";

    @Test
    void oneTraceFromAJmsMessageToItsThirdAttempt() throws Exception {
        InMemorySpanExporter exported = InMemorySpanExporter.create();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exported)).build()).build();
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start(TestHerald.webhooks("traced " + receiver.url("/t") + " [0s, 1s, 1s]"), Map.of(),
                     Map.of("heraldOpenTelemetry", otel))) {
            receiver.script("/t", Response.of(503), Response.of(500));
            herald.send("legacy.orders", "{\"orderId\": \"T-1\", \"status\": \"created\"}", Map.of("traceparent", TRACEPARENT));

            List<Receiver.Request> calls = await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests("/t"), l -> l.size() == 3);
            List<SpanData> spans = await().atMost(Duration.ofSeconds(10)).until(exported::getFinishedSpanItems, l -> l.size() >= 5);
            assertThat(spans).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(TRACE));

            SpanData accept = only(spans, "herald accept order.created");
            SpanData dispatch = only(spans, "herald dispatch order.created");
            assertThat(accept.getParentSpanId()).isEqualTo(PRODUCER_SPAN);
            assertThat(dispatch.getParentSpanId()).isEqualTo(accept.getSpanId());
            List<SpanData> attempts = spans.stream().filter(s -> s.getName().equals("herald deliver traced"))
                    .sorted(Comparator.comparing(s -> s.getAttributes().get(AttributeKey.longKey("herald.attempt")))).toList();
            assertThat(attempts).hasSize(3).allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(dispatch.getSpanId()));
            assertThat(attempts).extracting(a -> a.getAttributes().get(AttributeKey.stringKey("herald.outcome")))
                    .containsExactly("retrying", "retrying", "succeeded");
            assertThat(attempts).extracting(a -> a.getAttributes().get(AttributeKey.longKey("http.response.status_code")))
                    .containsExactly(503L, 500L, 200L);
            assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            // Each request carried its own attempt's context: the partner continues the same trace.
            for (int i = 0; i < 3; i++) {
                assertThat(calls.get(i).header("traceparent")).isEqualTo("00-" + TRACE + "-" + attempts.get(i).getSpanId() + "-01");
            }
        }
    }

    /** Tracing off (the default): no spans, and the producer's context reaches the partner unchanged. */
    @Test
    void withTracingOffTheProducersContextIsPassedOnFromJmsAndHttp() throws Exception {
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start("""
                     subscriptions:
                       - id: plain
                         types: ["order.*", "user.*"]
                         channel: webhook
                         parameters: {url: "%s", secretFile: SECRET_FILE}
                     """.formatted(receiver.url("/p")), Map.of())) {
            herald.send("legacy.orders", "{\"orderId\": \"P-1\", \"status\": \"created\"}", Map.of("traceparent", TRACEPARENT));
            String other = "00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01";
            Http.post(herald.http("/events"), "application/json", "{\"userId\": 1}", "ce-type", "user.signed_up", "ce-source",
                    "urn:t", "traceparent", other);
            // A structured event carries it as the distributed-tracing extension attribute.
            String third = "00-" + "3".repeat(32) + "-" + "4".repeat(16) + "-00";
            Http.post(herald.http("/events"), "application/cloudevents+json", """
                    {"specversion": "1.0", "id": "tp-3", "source": "urn:t", "type": "user.deleted", "traceparent": "%s", "data": {"userId": 3}}"""
                    .formatted(third));
            // Not W3C's: dropped, the event is still delivered.
            Http.post(herald.http("/events"), "application/json", "{\"userId\": 4}", "ce-type", "user.updated", "ce-source", "urn:t",
                    "traceparent", "garbage");
            List<Receiver.Request> calls = await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/p"), l -> l.size() == 4);
            assertThat(calls).extracting(r -> r.header("traceparent")).containsExactlyInAnyOrder(TRACEPARENT, other, third, null);
        }
    }

    private static SpanData only(List<SpanData> spans, String name) {
        List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as(name).hasSize(1);
        return named.get(0);
    }
}
