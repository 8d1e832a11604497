package dev.herald.config;

import java.time.Duration;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import dev.herald.subscription.Durations;

/**
 * Typed access to Herald's settings. Every key has its default here and its documentation in
 * {@code config/application.properties}; Camel's properties component supplies the value, so
 * command-line, system-property and environment overrides apply uniformly.
 */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public Optional<String> optional(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    public String string(String key, String defaultValue) {
        return optional(key).orElse(defaultValue);
    }

    public int integer(String key, int defaultValue) {
        return optional(key).map(v -> parse(key, v, Integer::parseInt)).orElse(defaultValue);
    }

    public long longValue(String key, long defaultValue) {
        return optional(key).map(v -> parse(key, v, Long::parseLong)).orElse(defaultValue);
    }


    public double decimal(String key, double defaultValue) {
        return optional(key).map(v -> parse(key, v, Double::parseDouble)).orElse(defaultValue);
    }

    public Duration duration(String key, Duration defaultValue) {
        return optional(key).map(v -> parse(key, v, Durations::parse)).orElse(defaultValue);
    }

    private static <T> T parse(String key, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Setting " + key + " = '" + value + "' is not valid: " + e.getMessage(), e);
        }
    }
}
