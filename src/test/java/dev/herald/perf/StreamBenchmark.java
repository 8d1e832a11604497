package dev.herald.perf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.HeraldProcess;
import dev.herald.support.Postgres;
import dev.herald.support.StandaloneArtemis;
import dev.herald.support.TestHerald;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Many stream consumers on Herald (docs/performance.md, "Streams"): CLIENTS stream subscriptions,
 * one consumer each (half WebSocket, acknowledging every event; half SSE), RATE events a second
 * spread evenly over them for SECONDS (after 10 s of the same, not measured), posted in batches to
 * POST /events. Prints the latency from
 * the POST to the client (p50, p99, max), what reached the clients, and each Herald's heap and live
 * threads at the end; then the same with a second instance (clients and posts split between the
 * two). Herald runs as operators run it (its own JVM), on a standalone Artemis and PostgreSQL.
 *
 * <p>Run by {@code bench/streams.sh [CLIENTS=1000] [RATE=1000] [SECONDS=60]}.
 */
public final class StreamBenchmark {

    private StreamBenchmark() {}

    public static void main(String[] args) throws Exception {
        int clients = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        List<String> results = new ArrayList<>();
        Path dir = Files.createTempDirectory("herald-streams");
        for (int instances = 1; instances <= 2; instances++) {
            results.add(round(dir.resolve("run-" + instances), instances, clients, rate, seconds));
        }
        System.out.printf("%nstream benchmark: %d clients (half WebSocket, half SSE), %d ev/s for %d s, %d cores%n", clients, rate, seconds,
                Runtime.getRuntime().availableProcessors());
        results.forEach(r -> System.out.println("  " + r));
        System.exit(0);
    }

    private static String round(Path run, int instances, int clients, int rate, int seconds) throws Exception {
        Files.createDirectories(run);
        StringBuilder yaml = new StringBuilder("subscriptions:\n");
        for (int i = 0; i < clients; i++) {
            yaml.append("  - id: s").append(i).append("\n    types: [\"bench.t").append(i).append("\"]\n    channel: stream\n");
        }
        Files.writeString(run.resolve("subscriptions.yaml"), yaml);
        String store = Postgres.freshSchemaUrl();
        try (StandaloneArtemis artemis = StandaloneArtemis.start()) {
            List<HeraldProcess> heralds = new ArrayList<>();
            List<Integer> ports = new ArrayList<>();
            List<Integer> management = new ArrayList<>();
            Vertx vertx = Vertx.vertx();
            try {
                for (int n = 1; n <= instances; n++) {
                    int port = TestHerald.freePort();
                    int mport = TestHerald.freePort();
                    ports.add(port);
                    management.add(mport);
                    Map<String, String> s = artemis.heraldSettings(run, n, store);
                    s.put("herald.http.port", Integer.toString(port));
                    s.put("herald.management.port", Integer.toString(mport));
                    heralds.add(HeraldProcess.start(s, Map.of(), run.resolve("herald-" + n + ".log")));
                }
                Clients c = new Clients(vertx, clients);
                for (int i = 0; i < clients; i++) c.open(i, ports.get(i % instances));
                if (!c.opened.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("only " + c.connected + " clients connected");
                System.out.printf("%d instance(s): %d clients connected (%d failed)%n", instances, c.connected.get(), c.failed.get());
                // Warm-up (not measured): JIT, connection pools, the store's caches.
                long warm = load(ports, clients, rate, 10, "w");
                long warmUntil = System.currentTimeMillis() + 60_000;
                while (c.received.get() < warm && System.currentTimeMillis() < warmUntil) Thread.sleep(200);
                Thread.sleep(1000);
                c.reset();
                long sent = load(ports, clients, rate, seconds, "b");
                long until = System.currentTimeMillis() + 60_000;
                while (c.received.get() < sent && System.currentTimeMillis() < until) Thread.sleep(200);
                Thread.sleep(1000);
                long[] lat = c.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
                StringBuilder out = new StringBuilder(String.format("%d instance(s): %d sent, %d received (%d over WebSocket, %d duplicates), accept to client p50 %d ms,"
                                + " p99 %d ms, max %d ms", instances, sent, c.received.get(), c.overWebSocket.get(), c.received.get() - c.unique(),
                        pct(lat, 50), pct(lat, 99), lat.length == 0 ? -1 : lat[lat.length - 1]));
                for (int n = 0; n < instances; n++) out.append(String.format("; herald-%d %s", n + 1, jvm(management.get(n))));
                System.out.println(out);
                return out.toString();
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                for (HeraldProcess h : heralds) h.kill();
            }
        }
    }

    /** Posts RATE events a second for SECONDS in batches of RATE/20 every 50 ms, each naming its time; returns how many were accepted. */
    private static long load(List<Integer> ports, int clients, int rate, int seconds, String prefix) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        int batch = Math.max(1, rate / 20);
        long accepted = 0;
        int seq = 0;
        long start = System.nanoTime();
        for (int tick = 0; tick < seconds * 20; tick++) {
            long due = start + tick * 50_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            StringBuilder body = new StringBuilder("[");
            long now = System.currentTimeMillis();
            for (int k = 0; k < batch; k++, seq++) {
                if (k > 0) body.append(',');
                body.append("{\"specversion\":\"1.0\",\"id\":\"").append(prefix).append('-').append(seq).append("\",\"source\":\"urn:bench\",\"type\":\"bench.t")
                        .append(seq % clients).append("\",\"data\":{\"sentAt\":").append(now).append("}}");
            }
            body.append(']');
            int port = ports.get(tick % ports.size());
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                    .header("Content-Type", "application/cloudevents-batch+json").POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 202) accepted += batch;
            else System.out.println("refused: " + r.statusCode() + " " + r.body());
        }
        return accepted;
    }

    /** The stream clients: WebSocket (even numbers, acknowledging each event) and SSE (odd). */
    private static final class Clients {
        final Vertx vertx;
        final WebSocketClient ws;
        final HttpClient http;
        final CountDownLatch opened;
        final AtomicInteger connected = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicLong received = new AtomicLong();
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Clients(Vertx vertx, int n) {
            this.vertx = vertx;
            ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(n * 2));
            http = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(n * 2).setKeepAlive(true));
            opened = new CountDownLatch(n);
        }

        void reset() {
            received.set(0);
            overWebSocket.set(0);
            latencies.clear();
            seen.clear();
        }

        long unique() {
            return seen.size();
        }

        void open(int i, int port) {
            String path = "/api/subscriptions/s" + i + (i % 2 == 0 ? "/ws?consumer=c" + i : "/events/stream?consumer=c" + i);
            if (i % 2 == 0) {
                ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path)).onSuccess(socket -> {
                    connected.incrementAndGet();
                    opened.countDown();
                    socket.textMessageHandler(text -> {
                        JsonNode m = Json.tree(text);
                        if (!"event".equals(m.path("type").asText())) return;
                        took(m, true);
                        socket.writeTextMessage("{\"type\":\"ack\",\"cursor\":\"" + m.path("cursor").asText() + "\"}");
                    });
                }).onFailure(e -> {
                    failed.incrementAndGet();
                    opened.countDown();
                });
            } else {
                http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path))
                        .compose(req -> req.send()).onSuccess(res -> {
                            connected.incrementAndGet();
                            opened.countDown();
                            StringBuilder pending = new StringBuilder();
                            res.handler((Buffer b) -> {
                                pending.append(b.toString());
                                int end;
                                while ((end = pending.indexOf("\n\n")) >= 0) {
                                    String block = pending.substring(0, end);
                                    pending.delete(0, end + 2);
                                    int data = block.indexOf("data: ");
                                    if (data >= 0) took(Json.tree(block.substring(data + 6)), false);
                                }
                            });
                        }).onFailure(e -> {
                            failed.incrementAndGet();
                            opened.countDown();
                        });
            }
        }

        final AtomicLong overWebSocket = new AtomicLong();

        void took(JsonNode m, boolean webSocket) {
            if (webSocket) overWebSocket.incrementAndGet();
            latencies.add(System.currentTimeMillis() - m.path("event").path("data").path("sentAt").asLong());
            received.incrementAndGet();
            seen.add(m.path("eventId").asText());
        }
    }

    private static long pct(long[] sorted, int p) {
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    private static final Pattern HEAP = Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} ([0-9.Ee+]+)");
    private static final Pattern THREADS = Pattern.compile("(?m)^jvm_threads_live_threads(?:\\{[^}]*\\})? ([0-9.Ee+]+)");

    /** Heap in use (after a moment's rest) and live threads, from the instance's Prometheus metrics. */
    private static String jvm(int managementPort) throws Exception {
        String text = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        double heap = 0;
        Matcher m = HEAP.matcher(text);
        while (m.find()) heap += Double.parseDouble(m.group(1));
        Matcher t = THREADS.matcher(text);
        return String.format("heap %.0f MiB, %s threads", heap / (1 << 20), t.find() ? String.valueOf((long) Double.parseDouble(t.group(1))) : "?");
    }
}
