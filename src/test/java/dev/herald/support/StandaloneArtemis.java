package dev.herald.support;

import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The standalone Artemis distribution (unpacked by Maven into target/artemis-dist), created with
 * {@code artemis create} and run as its own process on a free loopback port: the external broker
 * several Herald instances share. Its users are the ones deploy/artemis/configure-users.sh makes:
 * {@link #USER} (role herald), producer and operator.
 */
public final class StandaloneArtemis implements AutoCloseable {

    public static final String USER = "herald";
    public static final String PASSWORD = "herald-test";
    public static final String PRODUCER_PASSWORD = "producer-test";
    public static final String OPERATOR_PASSWORD = "operator-test";

    private final Path instance;
    private final int port;
    private Process process;

    private StandaloneArtemis(Path instance, int port) {
        this.instance = instance;
        this.port = port;
    }

    public static StandaloneArtemis start() throws Exception {
        return create(Files.createTempDirectory("herald-artemis").resolve("broker"), TestHerald.freePort(), true);
    }

    /**
     * A primary and its backup replicating the primary's journal ({@code ha-policy} replication,
     * as {@code artemis create --clustered --replicated} makes them), both started: the backup has
     * synchronized and announced itself when this returns.
     */
    public static List<StandaloneArtemis> replicatedPair() throws Exception {
        Path dir = Files.createTempDirectory("herald-artemis-pair");
        int primaryPort = TestHerald.freePort();
        int backupPort = TestHerald.freePort();
        StandaloneArtemis primary = create(dir.resolve("broker"), primaryPort, true, "--clustered", "--replicated", "--failover-on-shutdown",
                "--cluster-user", "cluster", "--cluster-password", "cluster-test", "--static-cluster", "tcp://127.0.0.1:" + backupPort);
        StandaloneArtemis backup = create(dir.resolve("backup"), backupPort, false, "--clustered", "--replicated", "--backup",
                "--failover-on-shutdown", "--cluster-user", "cluster", "--cluster-password", "cluster-test", "--static-cluster",
                "tcp://127.0.0.1:" + primaryPort);
        backup.start(false);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(backup.instance.resolve("run.log")).contains("backup announced"));
        return List.of(primary, backup);
    }

    /** A client URL for both brokers of a pair, following failover (Core, and Herald's JMS). */
    public static String failoverUrl(List<StandaloneArtemis> pair) {
        return "(" + pair.get(0).url() + "," + pair.get(1).url() + ")?ha=true&reconnectAttempts=-1&retryInterval=200";
    }

    private static StandaloneArtemis create(Path instance, int port, boolean start, String... extra) throws Exception {
        Path home = Path.of(System.getProperty("herald.test.artemis.home", "target/artemis-dist/apache-artemis-2.44.0"));
        if (!Files.isRegularFile(home.resolve("bin/artemis"))) {
            throw new IllegalStateException("no Artemis distribution at " + home + " (mvn process-test-resources unpacks it)");
        }
        Files.createDirectories(instance.getParent());
        List<String> cmd = new ArrayList<>(List.of("bash", home.resolve("bin/artemis").toString(), "create", instance.toString(),
                "--user", USER, "--password", PASSWORD, "--require-login", "--host", "127.0.0.1", "--default-port", Integer.toString(port),
                "--no-web", "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor",
                "--no-autotune", "--nio", "--silent", "--force"));
        cmd.addAll(List.of(extra));
        // Only the one acceptor on a free port: the default extra acceptors (5672, 1883, ...) may be taken.
        run(instance.resolveSibling(instance.getFileName() + "-create.log"), 120, Map.of(), cmd.toArray(String[]::new));
        // The users and roles operators are told to set up (docs/operations.md): the broker properties
        // give rights to roles herald, producer and operator only, none to the user `create` made.
        run(instance.resolveSibling(instance.getFileName() + "-users.log"), 120,
                Map.of("HERALD_BROKER_USER", USER, "HERALD_BROKER_PASSWORD", PASSWORD,
                        "HERALD_BROKER_PRODUCER_PASSWORD", PRODUCER_PASSWORD, "HERALD_BROKER_OPERATOR_PASSWORD", OPERATOR_PASSWORD),
                "bash", Path.of("deploy/artemis/configure-users.sh").toAbsolutePath().toString(), instance.toString());
        StandaloneArtemis a = new StandaloneArtemis(instance, port);
        if (start) a.run();
        return a;
    }

    /** Starts (or restarts) the broker process on its existing instance directory. */
    public void run() throws Exception {
        start(true);
    }

    /** @param acceptorOpens wait for its acceptor (a backup opens none until it is live) */
    private void start(boolean acceptorOpens) throws Exception {
        // With the broker properties operators are told to apply (docs/operations.md).
        process = new ProcessBuilder("bash", instance.resolve("bin/artemis").toString(), "run",
                "--properties", Path.of("deploy/artemis/herald-broker.properties").toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(instance.resolve("run.log").toFile())).start();
        if (!acceptorOpens) return;
        try {
            // Artemis opens its acceptor once the journal is loaded: an open port means ready.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) throw new IllegalStateException("Artemis exited");
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (java.io.IOException notYet) {
                    return false;
                }
            });
        } catch (RuntimeException e) {
            throw new IllegalStateException("Artemis did not start:\n" + Files.readString(instance.resolve("run.log")), e);
        }
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /**
     * Herald instance n's settings on this broker: its own data directory under {@code dir}, this
     * broker as Herald's principal, the shared store and {@code dir}'s subscriptions.yaml.
     */
    public Map<String, String> heraldSettings(Path dir, int n, String store) {
        Map<String, String> s = new java.util.HashMap<>();
        s.put("herald.instance.id", "herald-" + n);
        s.put("herald.data.dir", dir.resolve("data-" + n).toString());
        s.put("herald.broker.url", url());
        s.put("herald.broker.user", USER);
        s.put("herald.broker.password", PASSWORD);
        s.put("herald.store.url", store);
        s.put("herald.subscriptions.file", dir.resolve("subscriptions.yaml").toString());
        return s;
    }

    public void kill() throws InterruptedException {
        if (process != null) process.destroyForcibly().waitFor();
    }

    private static void run(Path log, int seconds, Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().putAll(env);
        Process p = b.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + Files.readString(log));
        }
    }

    @Override
    public void close() throws Exception {
        kill();
        try (var files = Files.walk(instance.getParent())) {
            files.sorted(Collections.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

}
