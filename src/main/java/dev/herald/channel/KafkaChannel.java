package dev.herald.channel;

import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** A record on a Kafka topic: the payload as value, keyed for partition order. */
final class KafkaChannel implements Channel {

    private final Duration timeout;
    private final Targets targets;
    private final String defaultBrokers;

    KafkaChannel(Duration timeout, Targets targets, String defaultBrokers) {
        this.timeout = timeout;
        this.targets = targets;
        this.defaultBrokers = defaultBrokers;
    }

    @Override
    public void prepare(Exchange exchange, Call call) {
        String brokers = call.settings().parameters().get("brokers");
        if (!brokers.equals(defaultBrokers)) {
            // A partner's own Kafka: its names may resolve elsewhere since the subscription was loaded.
            var problems = targets.kafkaBrokers(brokers);
            if (!problems.isEmpty()) throw new PermanentFailure(problems.get(0));
        }
        Message m = exchange.getMessage();
        m.setBody(call.payload());
        // The ordering key keeps one key's events in one partition; without one, the event id.
        m.setHeader("kafka.KEY", call.event().hasNonNull("orderingkey") ? call.event().get("orderingkey").asText() : call.eventId());
        m.setHeader("webhook-id", call.deliveryId());
        // Synchronous: the JMS transaction is bound to this thread, and the attempt counts only once
        // the Kafka broker has the record (acks=all).
        exchange.setProperty(TARGET, "kafka:" + call.settings().parameters().get("topic") + "?brokers=" + brokers
                + "&synchronous=true&requestRequiredAcks=all&deliveryTimeoutMs=" + timeout.toMillis()
                + "&requestTimeoutMs=" + timeout.toMillis());
    }

    @Override
    public boolean carriesTraceContext() {
        return true;
    }

    @Override
    public Answer answer(Exchange exchange, Throwable error, long now) {
        return Channel.takenOr(error, timeout, now);
    }
}
