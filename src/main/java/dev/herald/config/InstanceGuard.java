package dev.herald.config;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Makes sure this Herald is the only one on its data directory and that its ports are free, before
 * it opens anything. Without it a second Herald waits silently, forever, on Artemis' journal lock
 * (and H2's file). Holds an exclusive lock on {@code herald.lock} in the data directory, with this
 * process's pid in it, until Herald stops; the operating system lets go of it if the process dies.
 */
final class InstanceGuard extends ServiceSupport {

    static final String LOCK_FILE = "herald.lock";

    /** A port Herald will listen on, and the setting that chooses it. */
    record Port(String host, int port, String setting) {}

    private final FileChannel channel;
    private final FileLock lock;

    private InstanceGuard(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the data directory's lock and checks the ports.
     *
     * @throws IllegalStateException naming everything in use (the directory and by which pid, each
     *                               port and its setting) and what to do instead
     */
    static InstanceGuard claim(Path dataDir, List<Port> ports) throws IOException {
        List<String> problems = new ArrayList<>();
        Path file = dataDir.resolve(LOCK_FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = null;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Another Herald in this JVM (tests run several) holds it.
        }
        if (lock == null) {
            String pid = Files.readString(file, StandardCharsets.UTF_8).trim();
            problems.add("data directory " + dataDir + " is in use by " + (pid.isEmpty() ? "another Herald" : "Herald pid " + pid)
                    + "; stop it, or start this one with --herald.data.dir=<another directory>");
        }
        for (Port p : ports) {
            if (taken(p)) {
                problems.add("port " + p.port() + " (" + p.setting() + ") is in use on " + p.host()
                        + "; stop what listens there, or start this one with --" + p.setting() + "=<a free port>");
            }
        }
        if (!problems.isEmpty()) {
            if (lock != null) lock.release();
            channel.close();
            throw new IllegalStateException(String.join("\n", problems));
        }
        // Locked: now it is ours to write. Truncating first would have erased the holder's pid.
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
        return new InstanceGuard(channel, lock);
    }

    /** The ports this Herald's settings make it listen on: the embedded broker's, the API's, the management server's. */
    static List<Port> ports(Settings cfg) {
        List<Port> ports = new ArrayList<>();
        if (cfg.optional("herald.broker.url").isEmpty()) {
            ports.add(new Port(cfg.string("herald.broker.host"), cfg.integer("herald.broker.port"), "herald.broker.port"));
        }
        if (cfg.bool("camel.server.enabled")) ports.add(camelPort(cfg, "camel.server", "herald.http.port"));
        if (cfg.bool("camel.management.enabled")) ports.add(camelPort(cfg, "camel.management", "herald.management.port"));
        return ports;
    }

    /** Camel's server binds camel.*.port; config/application.properties sets it from Herald's setting, which a user changes. */
    private static Port camelPort(Settings cfg, String prefix, String heraldSetting) {
        int port = cfg.integer(prefix + ".port");
        boolean fromHerald = cfg.optional(heraldSetting).map(v -> v.equals(Integer.toString(port))).orElse(false);
        return new Port(cfg.string(prefix + ".host"), port, fromHerald ? heraldSetting : prefix + ".port");
    }

    /** Whether something listens on the port already: a quick bind, closed at once. */
    private static boolean taken(Port p) {
        if (p.port() <= 0) return false;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(p.host(), p.port()));
            return false;
        } catch (BindException e) {
            return true;
        } catch (IOException e) {
            return false; // not a port in use (an address that does not resolve): the server says what it is
        }
    }

    /** Lets the next Herald have the data directory. */
    void release() {
        try {
            if (lock.isValid()) lock.release();
            channel.close();
        } catch (IOException e) {
            // Closing the channel is all that is left to do; the process exit releases it anyway.
        }
    }

    @Override
    protected void doStop() {
        release();
    }
}
