package dev.herald.channel;

import java.util.function.UnaryOperator;

/**
 * What reading channel parameters takes from Herald's settings.
 *
 * @param placeholders        resolves {@code {{env:NAME}}}-style references (Camel's properties component)
 * @param targets             the outbound guard's check of where a subscription connects; null: checked only at delivery
 * @param defaultKafkaBrokers herald.kafka.brokers, for kafka subscriptions that name no brokers
 */
public record ParameterContext(UnaryOperator<String> placeholders, Targets targets, String defaultKafkaBrokers) {}
