package dev.herald.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.Map;

/**
 * W3C trace context through Herald's hops, as the CloudEvents distributed-tracing extension carries
 * it ({@code traceparent}, {@code tracestate} on the event): a span when an event is accepted, one
 * when it is dispatched, one per delivery attempt; the attempt's context goes out with the webhook.
 * The context travels inside the messages (the event, the delivery), so scheduled retries on the
 * broker, restarts and other instances continue the same trace.
 *
 * <p>Off (no exporter configured): no span is made, and the producer's context is passed on as it came.
 */
public final class Tracing {

    /** A trace context as text: the two W3C headers. */
    public record Trace(String traceparent, String tracestate) {
        public static final Trace NONE = new Trace(null, null);
    }

    /** A delivery attempt's span: its context for the outgoing request, and its end. */
    public interface Attempt {
        Trace context();

        void end(String outcome, Integer status, String error);
    }

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("cloudevents.event_id");
    private static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("cloudevents.event_type");
    private static final AttributeKey<String> EVENT_SOURCE = AttributeKey.stringKey("cloudevents.event_source");
    private static final AttributeKey<String> SUBSCRIPTION = AttributeKey.stringKey("herald.subscription");
    private static final AttributeKey<String> DELIVERY = AttributeKey.stringKey("herald.delivery_id");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("herald.attempt");
    private static final AttributeKey<Long> FANOUT = AttributeKey.longKey("herald.deliveries");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("herald.outcome");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

    private final Tracer tracer;

    private Tracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /** No spans; contexts passed on as they came. */
    public static Tracing off() {
        return new Tracing(null);
    }

    public static Tracing of(OpenTelemetry otel) {
        return new Tracing(otel.getTracer("dev.herald"));
    }

    public boolean on() {
        return tracer != null;
    }

    /** The event was accepted from {@code source}: its context from now on (the accept span's, or the producer's when off). */
    public Trace accepted(Trace producer, String eventId, String type, String source) {
        if (tracer == null) return producer;
        Span span = tracer.spanBuilder("herald accept " + type).setSpanKind(SpanKind.CONSUMER).setParent(parent(producer))
                .setAttribute(EVENT_ID, eventId).setAttribute(EVENT_TYPE, type).setAttribute(EVENT_SOURCE, source).startSpan();
        span.end();
        return trace(span);
    }

    /** The event fanned out to {@code deliveries} subscriptions: the context its deliveries carry. */
    public Trace dispatched(Trace event, String eventId, String type, int deliveries) {
        if (tracer == null) return event;
        Span span = tracer.spanBuilder("herald dispatch " + type).setSpanKind(SpanKind.INTERNAL).setParent(parent(event))
                .setAttribute(EVENT_ID, eventId).setAttribute(FANOUT, (long) deliveries).startSpan();
        span.end();
        return trace(span);
    }

    /** An attempt begins; the returned context goes out with the request. */
    public Attempt attempt(Trace delivery, String deliveryId, String subscriptionId, int attempt) {
        if (tracer == null) return new Attempt() {
            @Override
            public Trace context() {
                return delivery;
            }

            @Override
            public void end(String outcome, Integer status, String error) {
            }
        };
        Span span = tracer.spanBuilder("herald deliver " + subscriptionId).setSpanKind(SpanKind.PRODUCER).setParent(parent(delivery))
                .setAttribute(SUBSCRIPTION, subscriptionId).setAttribute(DELIVERY, deliveryId).setAttribute(ATTEMPT, (long) attempt)
                .startSpan();
        Trace context = trace(span);
        return new Attempt() {
            @Override
            public Trace context() {
                return context;
            }

            @Override
            public void end(String outcome, Integer status, String error) {
                span.setAttribute(OUTCOME, outcome);
                if (status != null) span.setAttribute(STATUS, (long) status);
                if (!"succeeded".equals(outcome)) span.setStatus(StatusCode.ERROR, error == null ? outcome : error);
                span.end();
            }
        };
    }

    private static Context parent(Trace trace) {
        if (trace == null || trace.traceparent() == null) return Context.root();
        Map<String, String> carrier = new HashMap<>();
        carrier.put("traceparent", trace.traceparent());
        if (trace.tracestate() != null) carrier.put("tracestate", trace.tracestate());
        return W3C.extract(Context.root(), carrier, GETTER);
    }

    private static Trace trace(Span span) {
        Map<String, String> carrier = new HashMap<>();
        W3C.inject(Context.root().with(span), carrier, SETTER);
        return new Trace(carrier.get("traceparent"), carrier.get("tracestate"));
    }

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private static final TextMapSetter<Map<String, String>> SETTER = Map::put;
}
