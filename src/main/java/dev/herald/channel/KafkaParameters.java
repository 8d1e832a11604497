package dev.herald.channel;

import java.util.LinkedHashMap;
import java.util.Map;

/** A Kafka topic on the subscription's own brokers, or on Herald's (herald.kafka.brokers) when it names none. */
final class KafkaParameters implements ParameterReader {

    @Override
    public ChannelSettings read(Parameters p) {
        Map<String, String> values = new LinkedHashMap<>(p.values());
        // Judged as written: Herald's own Kafka, the default, is not a subscription's target.
        if (p.value("brokers") != null && p.targets() != null) {
            p.refused("brokers", p.targets().kafkaBrokers(p.value("brokers")), "write host:port pairs separated by commas");
        }
        String own = p.context().defaultKafkaBrokers();
        if (own != null) values.putIfAbsent("brokers", own);
        return ChannelSettings.of(values);
    }
}
