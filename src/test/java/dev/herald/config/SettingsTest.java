package dev.herald.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.Herald;
import dev.herald.support.LogCapture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings have one source of defaults (the shipped settings file), durations everywhere, and the old keys still work. */
class SettingsTest {

    @TempDir
    Path dir;

    /** As Herald loads them: the given file first, the settings file the jar carries last. */
    Settings settings(String file, Properties overrides) throws Exception {
        Path f = dir.resolve("app.properties");
        Files.writeString(f, file);
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.getPropertiesComponent().setLocation("file:" + f + "," + Herald.DEFAULTS);
        camel.getPropertiesComponent().setOverrideProperties(overrides);
        return new Settings(camel);
    }

    @Test
    void aFileThatLeavesASettingOutGetsTheShippedDefaultAndOneThatSetsItWins() throws Exception {
        Settings cfg = settings("herald.dispatch.consumers = 7\n", new Properties());
        assertThat(cfg.integer("herald.dispatch.consumers")).isEqualTo(7);
        assertThat(cfg.duration("herald.deliver.timeout")).isEqualTo(Duration.ofSeconds(15));
        assertThat(cfg.duration("herald.broker.journal-buffer-timeout")).isEqualTo(Duration.ofNanos(200_000));
    }

    @Test
    void aDeprecatedKeyStillWorksAndSaysWhatToWrite() throws Exception {
        Properties old = new Properties();
        old.put("herald.deliver.timeout-ms", "3000");
        try (LogCapture log = new LogCapture()) {
            assertThat(settings("", old).duration("herald.deliver.timeout", "herald.deliver.timeout-ms", ChronoUnit.MILLIS))
                    .isEqualTo(Duration.ofSeconds(3));
            assertThat(log.text()).contains("Setting herald.deliver.timeout-ms is deprecated; write herald.deliver.timeout = 3s instead");
        }
    }

    @Test
    void aSettingWithoutAValueOrWithABadOneIsNamed() throws Exception {
        Settings cfg = settings("herald.store.pool-size = many\nherald.dispatch.batch-size =\n", new Properties());
        assertThatThrownBy(() -> cfg.integer("herald.store.pool-size"))
                .hasMessage("Setting herald.store.pool-size = 'many' is not valid: For input string: \"many\"");
        assertThatThrownBy(() -> cfg.integer("herald.dispatch.batch-size"))
                .hasMessageContaining("Setting herald.dispatch.batch-size has no value");
        assertThatThrownBy(() -> cfg.string("herald.no.such.setting")).hasMessageContaining("herald.no.such.setting has no value");
    }
}
