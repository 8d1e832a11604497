package dev.herald.config;

import dev.herald.channel.Channels;
import dev.herald.channel.Targets;
import dev.herald.deliver.Admission;
import dev.herald.deliver.DeliveryAttempts;
import dev.herald.deliver.OrderingLanes;
import dev.herald.deliver.SubscriptionHealth;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.subscription.SubscriptionRegistry;
import dev.herald.trace.Tracing;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;

/** The deliver stage: admission (circuits, caps, rate limits), the channels and their HTTP client, the attempt model. */
final class DeliverySetup {

    private DeliverySetup() {}

    /** herald.deliver.timeout: every channel's request timeout (herald.deliver.timeout-ms still works). */
    static Duration timeout(Settings cfg) {
        return cfg.duration("herald.deliver.timeout", "herald.deliver.timeout-ms", ChronoUnit.MILLIS);
    }

    static Admission admission(Settings cfg, SubscriptionHealth health) throws Exception {
        Admission admission = new Admission(health, cfg.integer("herald.circuit.failures"),
                cfg.duration("herald.circuit.probe-interval").toMillis(), cfg.duration("herald.circuit.disable-after").toMillis(),
                cfg.optional("herald.deliver.max-in-flight-per-subscription").map(Integer::parseInt)
                        // Unset: half the delivery threads, so one slow partner never holds them all.
                        .orElse(Math.max(1, cfg.integer("herald.deliver.consumers") / 2)));
        admission.refresh();
        return admission;
    }

    static DeliveryAttempts attempts(Settings cfg, CamelContext context, SubscriptionRegistry subscriptions, Targets targets,
                                     OrderingLanes lanes, HeraldMetrics metrics, Admission admission, String instanceId,
                                     Tracing tracing) {
        Duration timeout = timeout(cfg);
        Channels channels = new Channels("Herald/0.1", cfg.integer("herald.deliver.response-excerpt-bytes"), timeout, targets,
                cfg.string("herald.kafka.brokers"));
        // camel-http's client connects through this pool: the guard is its DNS resolver.
        context.getRegistry().bind("heraldHttpConnections", httpConnections(targets, timeout,
                cfg.integer("herald.deliver.max-connections"), cfg.integer("herald.deliver.max-connections-per-host")));
        HttpComponent http = context.getComponent("http", HttpComponent.class);
        http.setConnectionRequestTimeout(timeout.toMillis());
        http.setResponseTimeout(timeout.toMillis());
        return new DeliveryAttempts(subscriptions, channels, lanes, metrics, admission, instanceId, tracing);
    }

    private static PoolingHttpClientConnectionManager httpConnections(Targets targets, Duration timeout, int total, int perHost) {
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(targets.guard())
                .setMaxConnTotal(total)
                .setMaxConnPerRoute(perHost)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(timeout))
                        .setSocketTimeout(Timeout.of(timeout))
                        .build())
                .build();
    }
}
