package dev.herald;

import dev.herald.config.HeraldConfiguration;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * Herald's entry point: a Camel Main application configured by {@code config/application.properties},
 * with core pipeline routes from the classpath and integrators' routes from {@code routes/}.
 *
 * <p>Any setting can be overridden as {@code --key=value} on the command line, as a JVM system
 * property, or as an environment variable ({@code herald.store.url} → {@code HERALD_STORE_URL}).
 */
public final class Herald {

    public static final String DEFAULT_CONFIG = "file:config/application.properties";
    /** config/application.properties as the jar carries it: every setting's default. */
    public static final String DEFAULTS = "classpath:herald/application.properties";

    private final Main main;

    public Herald(Map<String, String> overrides) {
        main = new Main();
        // The first location that has a key wins; the settings file shipped in the jar comes last, so a
        // file that leaves a setting out (an older copy, an example's) gets its documented default.
        main.setDefaultPropertyPlaceholderLocation(overrides.getOrDefault("herald.config", DEFAULT_CONFIG) + "," + DEFAULTS);
        Properties props = new Properties();
        props.putAll(overrides);
        main.setOverrideProperties(props);
        main.configure().addConfiguration(new HeraldConfiguration());
    }

    /** Puts a bean in Herald's registry before it starts (an embedding application's OpenTelemetry, say). */
    public Herald bind(String name, Object bean) {
        main.bind(name, bean);
        return this;
    }

    /** Starts Herald and returns once every route is running. */
    public Herald start() throws Exception {
        main.start();
        return this;
    }

    public void stop() {
        main.stop();
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /** Starts Herald and blocks until it is stopped (Ctrl-C, SIGTERM). */
    public void run() throws Exception {
        main.run();
    }

    /** {@code java -jar herald.jar --key=value ...}: {@link RunCommand}. */
    public static void main(String[] args) {
        System.exit(RunCommand.execute(args));
    }
}
