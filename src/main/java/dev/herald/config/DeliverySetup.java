package dev.herald.config;

import dev.herald.channel.Channels;
import dev.herald.channel.Targets;
import dev.herald.deliver.Admission;
import dev.herald.deliver.DeliveryAttempts;
import dev.herald.deliver.OrderingLanes;
import dev.herald.deliver.SubscriptionHealth;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.subscription.SubscriptionRegistry;
import dev.herald.net.AddressGuard;
import dev.herald.trace.Tracing;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.apache.camel.CamelContext;
import dev.herald.broker.BrokerLogins;
import dev.herald.deliver.DeliveryConsumer;
import dev.herald.deliver.HttpCalls;
import dev.herald.deliver.Parking;
import dev.herald.deliver.Unparker;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

/** The deliver stage: admission (circuits, caps, rate limits), the channels and their HTTP client, the attempt model, the consumer. */
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
                        // Unset: half the delivery slots, so one slow partner never holds them all.
                        .orElse(Math.max(1, cfg.integer("herald.deliver.consumers") / 2)));
        admission.refresh();
        return admission;
    }

    static DeliveryAttempts attempts(Settings cfg, SubscriptionRegistry subscriptions, Targets targets, AddressGuard partnerGuard,
                                     OrderingLanes lanes, HeraldMetrics metrics, Admission admission, Parking parking, String instanceId,
                                     Tracing tracing) {
        Channels channels = new Channels("Herald/0.1", cfg.integer("herald.deliver.response-excerpt-bytes"), timeout(cfg), targets,
                partnerGuard, cfg.string("herald.kafka.brokers"));
        return new DeliveryAttempts(subscriptions, channels, lanes, metrics, admission, parking, instanceId, tracing);
    }

    /** Herald's core-client connections to its broker (the deliver stage and the unparker). */
    static ServerLocator locator(String brokerUrl) throws Exception {
        ServerLocator locator = ActiveMQClient.createServerLocator(brokerUrl);
        // Each session buffers at most this much beyond what it has in flight, so other sessions and
        // instances share a backlog instead of one client holding it.
        locator.setConsumerWindowSize(256 * 1024);
        return locator;
    }

    /** Moves parked deliveries back when their circuit lets them go, paced (herald.parking.*). */
    static Unparker unparker(Settings cfg, Parking parking, Admission admission, ServerLocator locator, BrokerLogins.Login login) {
        return new Unparker(parking, admission, locator, login.user(), login.password(), cfg.integer("herald.parking.move-per-second"),
                cfg.integer("herald.parking.deliveries-below"));
    }

    /**
     * The deliver stage on Herald's broker, as Herald's own login: herald.deliver.consumers attempts in
     * flight over herald.deliver.threads threads, HTTP through a client whose DNS resolver is the SSRF guard.
     */
    static DeliveryConsumer consumer(Settings cfg, CamelContext context, ServerLocator locator, BrokerLogins.Login login,
                                     DeliveryAttempts attempts, Targets targets) {
        int threads = Math.max(1, cfg.integer("herald.deliver.threads"));
        int slots = Math.max(1, cfg.integer("herald.deliver.consumers") / threads);
        HttpCalls http = new HttpCalls(targets.guard(), timeout(cfg), cfg.integer("herald.deliver.max-connections"),
                cfg.integer("herald.deliver.max-connections-per-host"), cfg.integer("herald.deliver.response-excerpt-bytes"));
        return new DeliveryConsumer(locator, login.user(), login.password(), attempts, http, context, threads, slots);
    }
}
