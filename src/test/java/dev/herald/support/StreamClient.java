package dev.herald.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A stream consumer written by nobody on the team: src/test/node/stream.mjs with the npm clients
 * (ws, eventsource) and Node's fetch. Each run prints one JSON line per thing that happened.
 */
public final class StreamClient {

    static final Path NODE_DIR = Path.of("src/test/node");

    private final Process process;
    private final List<JsonNode> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread reader;

    private StreamClient(Process process) {
        this.process = process;
        reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isBlank()) seen.add(Json.tree(line));
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        }, "stream-client");
        reader.setDaemon(true);
        reader.start();
    }

    /** Skips (fails in CI) when Node or its packages are not installed. */
    public static void assumeInstalled() {
        boolean installed = Files.isDirectory(NODE_DIR.resolve("node_modules/ws")) && Files.isDirectory(NODE_DIR.resolve("node_modules/eventsource"));
        String why = "the npm stream clients are not installed (run: npm ci --prefix src/test/node)";
        if (!installed && "true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail(why + "; in CI this test must run");
        Assumptions.assumeTrue(installed, why + ": skipping");
    }

    /** Starts a client; {@link #lines} waits for it. */
    public static StreamClient start(String mode, Map<String, Object> options) throws Exception {
        Process p = new ProcessBuilder("node", "stream.mjs", mode, Json.string(options)).directory(NODE_DIR.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new StreamClient(p);
    }

    /** Runs a client to its end: what it printed. */
    public static List<JsonNode> run(String mode, Map<String, Object> options) throws Exception {
        return start(mode, options).lines();
    }

    /** What it has printed so far. */
    public List<JsonNode> seen() {
        return List.copyOf(seen);
    }

    /** Waits for it to end: everything it printed. */
    public List<JsonNode> lines() throws Exception {
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the stream client did not finish: " + seen);
        }
        reader.join(10_000);
        List<JsonNode> out = List.copyOf(seen);
        if (out.stream().anyMatch(n -> n.has("timeout"))) throw new AssertionError("the stream client timed out: " + out);
        return out;
    }

    /** The events among a client's lines, their event ids in order. */
    public static List<String> eventIds(List<JsonNode> lines) {
        return lines.stream().filter(n -> n.has("eventId")).map(n -> n.get("eventId").asText()).toList();
    }

    /** The cursors of the events among a client's lines, in order. */
    public static List<String> cursors(List<JsonNode> lines) {
        return lines.stream().filter(n -> n.has("eventId")).map(n -> n.get("cursor").asText()).toList();
    }
}
