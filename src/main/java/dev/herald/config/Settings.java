package dev.herald.config;

import dev.herald.subscription.Durations;
import java.time.Duration;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed access to Herald's settings. Each has its one default and its documentation in
 * {@code config/application.properties}, which the jar also carries as the last place to look
 * ({@code classpath:herald/application.properties}): no default is written in Java. Camel's
 * properties component supplies the value, so command-line, system-property and environment
 * overrides apply uniformly.
 */
public final class Settings {

    private static final Logger LOG = LoggerFactory.getLogger(Settings.class);

    private final PropertiesComponent properties;

    public Settings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    /** The value, or empty when the setting is blank (a setting whose emptiness means something, such as "no broker URL"). */
    public Optional<String> optional(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** A setting that must have a value. */
    public String string(String key) {
        return optional(key).orElseThrow(() -> new IllegalArgumentException("Setting " + key + " has no value;"
                + " config/application.properties documents it and gives its default"));
    }

    public int integer(String key) {
        return parse(key, string(key), Integer::parseInt);
    }

    public long longValue(String key) {
        return parse(key, string(key), Long::parseLong);
    }

    public double decimal(String key) {
        return parse(key, string(key), Double::parseDouble);
    }

    public boolean bool(String key) {
        return parse(key, string(key), v -> {
            if (!v.equals("true") && !v.equals("false")) throw new IllegalArgumentException("write true or false");
            return Boolean.parseBoolean(v);
        });
    }

    public Duration duration(String key) {
        return parse(key, string(key), Durations::parse);
    }

    /**
     * A duration whose setting used to be a number in another unit ({@code legacyKey}, such as
     * herald.deliver.timeout-ms): the old key still works, with a warning saying what to write.
     */
    public Duration duration(String key, String legacyKey, java.time.temporal.TemporalUnit legacyUnit) {
        Optional<String> legacy = optional(legacyKey);
        if (legacy.isEmpty()) return duration(key);
        Duration d = Duration.of(parse(legacyKey, legacy.get(), Long::parseLong), legacyUnit);
        LOG.warn("Setting {} is deprecated; write {} = {} instead", legacyKey, key, Durations.format(d));
        return d;
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
