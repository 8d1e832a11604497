package dev.herald.perf;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * The benchmark's webhook receiver: Vert.x on loopback, answers 200 (or the status it was given)
 * at once, and records each delivery's end-to-end latency from the {@code sentAtUs} the producer
 * wrote into the event (same JVM, same clock). Built so that it is never the bottleneck
 * ({@link PerfBenchmark} measures that).
 */
final class FastReceiver implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    private final HttpServer server;
    final AtomicLong received = new AtomicLong();
    final Recorder latencyUs = new Recorder(3);
    volatile long lastReceivedNanos;

    FastReceiver() throws Exception {
        this(200);
    }

    /** @param status what it answers every request with (503: a partner that is down but reachable) */
    FastReceiver(int status) throws Exception {
        this(status, 0);
    }

    /** @param delayMs how long it takes to answer each request (a slow partner), without holding a thread */
    FastReceiver(int status, long delayMs) throws Exception {
        server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            long now = System.nanoTime();
            String text = body.toString();
            int at = text.indexOf("\"sentAtUs\":");
            if (at >= 0) {
                int end = at + 11;
                while (end < text.length() && Character.isDigit(text.charAt(end))) end++;
                long sent = Long.parseLong(text, at + 11, end, 10);
                latencyUs.recordValue(Math.max(0, now / 1000 - sent));
            }
            lastReceivedNanos = now;
            received.incrementAndGet();
            if (delayMs > 0) vertx.setTimer(delayMs, t -> req.response().setStatusCode(status).end());
            else req.response().setStatusCode(status).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    }

    int port() {
        return server.actualPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() throws Exception {
        CompletableFuture.allOf(server.close().toCompletionStage().toCompletableFuture(),
                vertx.close().toCompletionStage().toCompletableFuture()).get();
    }
}
