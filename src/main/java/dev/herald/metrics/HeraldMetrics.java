package dev.herald.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
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

    /** An event is on herald.events (called by the accept step, counted once its transaction completes). */
    public void accepted(Exchange exchange) {
        String type = exchange.getProperty(EVENT_TYPE, String.class);
        String source = exchange.getProperty(EVENT_SOURCE, String.class);
        onSuccess(exchange, () -> accepted(source, type));
    }

    public void accepted(String source, String type) {
        Counter.builder("herald.events.accepted").description("Events accepted onto herald.events")
                .tag("source", String.valueOf(source)).tag("type", String.valueOf(type)).register(registry()).increment();
    }

    /** An input was rejected and kept on herald.rejected; {@code ingress} is the route (or http). */
    public void rejected(Exchange exchange) {
        String route = exchange.getFromRouteId();
        onSuccess(exchange, () -> rejected(route));
    }

    public void rejected(String ingress) {
        Counter.builder("herald.events.rejected").description("Inputs rejected (kept on herald.rejected)")
                .tag("ingress", String.valueOf(ingress)).register(registry()).increment();
    }

    /** One delivery attempt: its outcome (succeeded, retrying, dead), channel, subscription and duration. */
    public void attempt(Exchange exchange, String outcome, String channel, String subscription, long millis) {
        onSuccess(exchange, () -> {
            Counter.builder("herald.delivery.attempts").description("Delivery attempts by outcome")
                    .tag("outcome", outcome).tag("channel", channel).tag("subscription", subscription)
                    .register(registry()).increment();
            if ("retrying".equals(outcome)) {
                Counter.builder("herald.retries.scheduled").description("Retries scheduled on the broker")
                        .tag("subscription", subscription).register(registry()).increment();
            }
            if (!"none".equals(channel)) {
                Timer.builder("herald.delivery.attempt.duration").description("Time from request to answer, per attempt")
                        .tag("channel", channel).tag("subscription", subscription)
                        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry()).record(Duration.ofMillis(millis));
            }
        });
    }

    /** A delivery put back unattempted to wait (circuit open, concurrency cap, rate limit). */
    public void deferred(Exchange exchange, String subscription, String why) {
        onSuccess(exchange, () -> Counter.builder("herald.deliveries.deferred")
                .description("Deliveries put back unattempted to wait (circuit open, concurrency cap, rate limit)")
                .tag("subscription", subscription).tag("reason", why).register(registry()).increment());
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
