package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.herald.support.HeraldProcess;
import dev.herald.support.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A second Herald started while one runs: on the same data directory it used to wait forever on
 * Artemis' journal lock, without a word. Now it stops within seconds and says what is in use, by
 * whom, and what to do instead.
 */
class SecondInstanceTest {

    private static final List<String> PORTS = List.of("herald.broker.port", "herald.http.port", "herald.management.port");

    @Test
    @Timeout(120) // without the check the second Herald waits on the journal lock for ever
    void aSecondHeraldOnTheSameDataDirectoryOrPortStopsAtOnceSayingWhy() throws Exception {
        try (TestHerald first = TestHerald.start(TestHerald.webhooks("p http://127.0.0.1:9/p"), Map.of())) {
            Path data = first.dir.resolve("data");

            Map<String, String> sameDirectory = first.settings();
            for (String port : PORTS) sameDirectory.put(port, Integer.toString(TestHerald.freePort()));
            long t0 = System.nanoTime();
            assertThat(whyNot(sameDirectory)).contains("data directory " + data + " is in use by Herald pid "
                    + ProcessHandle.current().pid() + "; stop it, or start this one with --herald.data.dir=");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));

            Map<String, String> samePort = first.settings();
            samePort.put("herald.data.dir", first.dir.resolve("other").toString());
            samePort.put("herald.store.url", "jdbc:h2:file:" + first.dir.resolve("other/store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
            samePort.put("herald.http.port", Integer.toString(TestHerald.freePort()));
            samePort.put("herald.management.port", Integer.toString(TestHerald.freePort()));
            assertThat(whyNot(samePort)).contains("port " + first.brokerPort() + " (herald.broker.port) is in use on 127.0.0.1;"
                    + " stop what listens there, or start this one with --herald.broker.port=").doesNotContain("data directory");

            // Stopping lets go of the data directory: the first starts again on it.
            first.restart();
            assertThat(first.herald().context().isStarted()).isTrue();
        }
    }

    @Test
    @Timeout(120)
    void asAProcessItExitsWithStatusOneNamingTheDirectoryAndEachPortInUse() throws Exception {
        try (TestHerald first = TestHerald.start(TestHerald.webhooks("p http://127.0.0.1:9/p"), Map.of())) {
            Path log = first.dir.resolve("second.log");
            Process second = new ProcessBuilder(HeraldProcess.command(first.settings())).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            try {
                long t0 = System.nanoTime();
                assertThat(second.waitFor(30, TimeUnit.SECONDS)).as("the second Herald exits by itself").isTrue();
                String output = Files.readString(log);
                assertThat(second.exitValue()).as(output).isEqualTo(1);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
                assertThat(output).contains("herald: cannot start: data directory " + first.dir.resolve("data")
                        + " is in use by Herald pid " + ProcessHandle.current().pid());
                Map<String, String> settings = first.settings();
                for (String port : PORTS) {
                    assertThat(output).contains("port " + settings.get(port) + " (" + port + ") is in use");
                }
            } finally {
                second.destroyForcibly().waitFor();
            }
        }
    }

    /** Why a Herald with these settings did not start: the messages of the exception and its causes. */
    private static String whyNot(Map<String, String> settings) {
        Herald second = new Herald(settings);
        Throwable e = catchThrowable(second::start);
        second.stop();
        assertThat(e).as("the second Herald started").isNotNull();
        StringBuilder why = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) why.append(t.getMessage()).append('\n');
        return why.toString();
    }
}
