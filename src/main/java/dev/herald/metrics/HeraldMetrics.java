package dev.herald.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Herald's own Prometheus metrics (beside Camel's route metrics, on the management port). Each
 * count is taken when the step's exchange completes, so a step that rolls back is not counted.
 */
public final class HeraldMetrics {

    /** Exchange properties the counting reads. */
    public static final String EVENT_TYPE = "heraldEventType";
    public static final String EVENT_SOURCE = "heraldEventSource";

    private final Supplier<MeterRegistry> lookup;
    private volatile MeterRegistry registry;
    private volatile Meters meters;

    /** @param lookup finds the registry Camel's metrics service scrapes (it is made while Camel starts) */
    public HeraldMetrics(Supplier<MeterRegistry> lookup) {
        this.lookup = lookup;
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            r = lookup.get();
            if (r == null) r = new io.micrometer.core.instrument.simple.SimpleMeterRegistry(); // metrics turned off
            registry = r;
        }
        return r;
    }

    /**
     * Herald's meters, described once; Micrometer's providers hand back the meter for a set of tags
     * without building it again on every delivery attempt.
     */
    private record Meters(Meter.MeterProvider<Counter> accepted, Meter.MeterProvider<Counter> rejected,
                          Meter.MeterProvider<Counter> attempts, Meter.MeterProvider<Counter> retries,
                          Meter.MeterProvider<Timer> duration, Meter.MeterProvider<Counter> deferred,
                          Meter.MeterProvider<Counter> refused, Meter.MeterProvider<Counter> ingestCommits,
                          Meter.MeterProvider<Counter> streamExpired) {

        static Meters in(MeterRegistry r) {
            return new Meters(
                    Counter.builder("herald.events.accepted").description("Events accepted onto herald.events").withRegistry(r),
                    Counter.builder("herald.events.rejected").description("Inputs rejected (kept on herald.rejected)").withRegistry(r),
                    Counter.builder("herald.delivery.attempts").description("Delivery attempts by outcome").withRegistry(r),
                    Counter.builder("herald.retries.scheduled").description("Retries scheduled on the broker").withRegistry(r),
                    Timer.builder("herald.delivery.attempt.duration").description("Time from request to answer, per attempt")
                            .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                            .maximumExpectedValue(Duration.ofSeconds(30)).withRegistry(r),
                    Counter.builder("herald.deliveries.deferred")
                            .description("Deliveries put back unattempted to wait (circuit open, concurrency cap, rate limit)")
                            .withRegistry(r),
                    Counter.builder("herald.deliveries.refused")
                            .description("Deliveries refused at dispatch as dead letters, unattempted (a partner at its queue quota)")
                            .withRegistry(r),
                    Counter.builder("herald.ingest.commits")
                            .description("Broker commits that handed ingress input off (one per group of HTTP requests, one per Kafka batch)")
                            .withRegistry(r),
                    Counter.builder("herald.stream.events.expired")
                            .description("Stream events removed by retention; acknowledged=false ones became dead letters")
                            .withRegistry(r));
        }
    }

    private Meters meters() {
        Meters m = meters;
        if (m == null) {
            m = Meters.in(registry());
            meters = m;
        }
        return m;
    }

    /** An event is on herald.events (called by the accept step, counted once its transaction completes). */
    public void accepted(Exchange exchange) {
        String type = exchange.getProperty(EVENT_TYPE, String.class);
        String source = exchange.getProperty(EVENT_SOURCE, String.class);
        onSuccess(exchange, () -> accepted(source, type));
    }

    public void accepted(String source, String type) {
        meters().accepted().withTags("source", String.valueOf(source), "type", String.valueOf(type)).increment();
    }

    /** An input was rejected and kept on herald.rejected; {@code ingress} is the route (or http). */
    public void rejected(Exchange exchange) {
        String route = exchange.getFromRouteId();
        onSuccess(exchange, () -> rejected(route));
    }

    public void rejected(String ingress) {
        meters().rejected().withTags("ingress", String.valueOf(ingress)).increment();
    }

    /** One broker commit that put ingress input on Herald's queues; {@code ingress} is http or kafka. */
    public void ingestCommit(String ingress) {
        meters().ingestCommits().withTags("ingress", ingress).increment();
    }

    /** One delivery attempt: its outcome (succeeded, retrying, dead), channel, subscription and duration. */
    public void attempt(Exchange exchange, String outcome, String channel, String subscription, long millis) {
        onSuccess(exchange, () -> {
            Meters m = meters();
            m.attempts().withTags("outcome", outcome, "channel", channel, "subscription", subscription).increment();
            if ("retrying".equals(outcome)) m.retries().withTags("subscription", subscription).increment();
            if (!"none".equals(channel)) {
                m.duration().withTags("channel", channel, "subscription", subscription).record(Duration.ofMillis(millis));
            }
        });
    }

    /** A delivery put back unattempted to wait (circuit open, concurrency cap, rate limit). */
    public void deferred(Exchange exchange, String subscription, String why) {
        onSuccess(exchange, () -> deferred(subscription, why));
    }

    /** A delivery sent to wait without an attempt (dispatch parks a subscription's while its circuit is open). */
    public void deferred(String subscription, String why) {
        meters().deferred().withTags("subscription", subscription, "reason", why).increment();
    }

    /** A delivery refused at dispatch, a dead letter without an attempt. */
    public void refused(String subscription, String why) {
        meters().refused().withTags("subscription", subscription, "reason", why).increment();
    }

    /** Events a stream's retention removed: those some consumer acknowledged, and those none did (dead letters). */
    public void streamExpired(String subscription, long acknowledged, long unacknowledged) {
        if (acknowledged > 0) meters().streamExpired().withTags("subscription", subscription, "acknowledged", "true").increment(acknowledged);
        if (unacknowledged > 0) {
            meters().streamExpired().withTags("subscription", subscription, "acknowledged", "false").increment(unacknowledged);
        }
    }

    /** A gauge read when scraped. */
    public <T> void gauge(String name, String description, String tagKey, String tagValue, T target, ToDoubleFunction<T> value) {
        Gauge.builder(name, target, value).description(description).tag(tagKey, tagValue).register(registry());
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry());
    }

    private static void onSuccess(Exchange exchange, Runnable count) {
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange done) {
                count.run();
            }
        });
    }
}
