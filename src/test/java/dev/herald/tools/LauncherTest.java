package dev.herald.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/herald's Maven steps, with the real Maven: Maven 3.8 prints ESC[0m on stdout even with -q and
 * colours off, which broke the first jar of the class path `bin/herald kafka` built, and showed in
 * the launcher's output. The launcher runs from a copy (its own target/), sourced for its functions.
 */
class LauncherTest {

    @TempDir
    Path root;

    /** What a bash line printed, on each stream, and its exit status. */
    record Bash(int status, String out, String err) {}

    private Bash bash(String script) throws Exception {
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("bin/herald"), root.resolve("bin/herald"));
        Files.copy(Path.of("pom.xml"), root.resolve("pom.xml"));
        Process p = new ProcessBuilder("bash", "-c", "source bin/herald && " + script).directory(root.toFile())
                .redirectOutput(root.resolve("out").toFile()).redirectError(root.resolve("err").toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("bash did not finish: " + script);
        }
        return new Bash(p.exitValue(), Files.readString(root.resolve("out")), Files.readString(root.resolve("err")));
    }

    @Test
    void theKafkaClassPathIsJarsOnlyWithoutAnEscapeSequence() throws Exception {
        Bash run = bash("kafka_classpath");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).doesNotContain("\u001b");
        List<String> entries = Arrays.asList(run.out().strip().split(":"));
        assertThat(entries).isNotEmpty().allSatisfy(jar -> assertThat(Path.of(jar)).isRegularFile());
        assertThat(entries).anySatisfy(jar -> assertThat(jar).contains("kafka_2.13"));
        assertThat(run.out().getBytes(StandardCharsets.UTF_8)[0]).as("the first jar's path starts at once").isEqualTo((byte) '/');
    }

    @Test
    void mavensOutputStaysOffStdoutAndAFailureShowsItWithoutEscapes() throws Exception {
        Bash run = bash("maven -o no-such-plugin:goal");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).doesNotContain("\u001b").contains("No plugin found for prefix 'no-such-plugin'",
                "herald: mvn -o no-such-plugin:goal failed; its output is above and in target/maven.log");
    }
}
