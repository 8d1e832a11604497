package dev.herald.support;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Herald started as operators start it: its own JVM, settings as --key=value and environment. */
public final class HeraldProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private HeraldProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The command line, with Herald's own logging configuration (not the tests'). */
    public static List<String> command(Map<String, String> settings) {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classpath, "-Dlog4j2.configurationFile=log4j2.xml", "dev.herald.Herald"));
        settings.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        // The tests' receivers listen on loopback, on whatever port was free.
        if (!settings.containsKey("herald.ssrf.allow")) cmd.add("--herald.ssrf.allow=127.0.0.1/32");
        // Several instances run side by side: each gets its own HTTP and management ports.
        for (String port : List.of("herald.http.port", "herald.management.port")) {
            if (!settings.containsKey(port)) cmd.add("--" + port + "=" + freePort());
        }
        return cmd;
    }

    /** Starts Herald and waits until its routes run; a Herald that fails to start is not left behind. */
    private static int freePort() {
        try {
            return TestHerald.freePort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static HeraldProcess start(Map<String, String> settings, Map<String, String> env, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command(settings)).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        HeraldProcess h = new HeraldProcess(pb.start(), log);
        try {
            h.awaitLog("(herald) started", Duration.ofSeconds(60));
            return h;
        } catch (Throwable t) {
            h.kill();
            throw t;
        }
    }

    public void awaitLog(String text, Duration timeout) {
        await().atMost(timeout).until(() -> {
            if (!process.isAlive()) throw new AssertionError("Herald exited:\n" + Files.readString(log));
            return Files.readString(log).contains(text);
        });
    }

    /** SIGKILL: no shutdown hook, no graceful stop. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
