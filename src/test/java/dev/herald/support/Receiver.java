package dev.herald.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real HTTP receiver on loopback: records every request, answers from a per-path script (default 200). */
public final class Receiver implements AutoCloseable {

    public record Request(String path, Map<String, List<String>> headers, byte[] body, long receivedAt) {
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase());
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    public record Response(int status, Map<String, String> headers, long delayMillis, String body) {
        public static Response of(int status) {
            return new Response(status, Map.of(), 0, null);
        }

        public static Response of(int status, String header, String value) {
            return new Response(status, Map.of(header, value), 0, null);
        }

        /** A response with this body (as Slack answers: "ok", "invalid_payload", ...). */
        public static Response text(int status, String body) {
            return new Response(status, Map.of(), 0, body);
        }

        public static Response hang(long millis) {
            return new Response(200, Map.of(), millis, null);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(32);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Response>> scripts = new ConcurrentHashMap<>();

    public Receiver() throws IOException {
        this(0);
    }

    /** On this port (0: any free one): a receiver can be stopped and another started where it was. */
    public Receiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next requests to {@code path} get these answers in order; after them, 200. */
    public void script(String path, Response... responses) {
        scripts.computeIfAbsent(path, p -> new ConcurrentLinkedDeque<>()).addAll(List.of(responses));
    }

    /** What is left of {@code path}'s script is dropped: from now on it answers 200. */
    public void unscript(String path) {
        scripts.remove(path);
    }

    /** The next requests to {@code path} whose body contains {@code marker} get these answers in order. */
    public void script(String path, String marker, Response... responses) {
        script(path + "\u0000" + marker, responses);
    }

    public List<Request> requests(String path) {
        List<Request> out = new ArrayList<>();
        for (Request r : requests) if (r.path().equals(path)) out.add(r);
        return out;
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        Map<String, List<String>> headers = new java.util.HashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), List.copyOf(v)));
        String path = ex.getRequestURI().getPath();
        requests.add(new Request(path, headers, body, System.currentTimeMillis()));
        Response r = null;
        String text = new String(body, StandardCharsets.UTF_8);
        for (var e : scripts.entrySet()) {
            int cut = e.getKey().indexOf('\u0000');
            if (cut > 0 && e.getKey().substring(0, cut).equals(path) && text.contains(e.getKey().substring(cut + 1))) {
                r = e.getValue().poll();
                if (r != null) break;
            }
        }
        Deque<Response> script = scripts.get(path);
        if (r == null && script != null) r = script.poll();
        if (r == null) r = Response.of(200);
        if (r.delayMillis() > 0) {
            try {
                Thread.sleep(r.delayMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] out = (r.body() != null ? r.body() : "{\"status\":" + r.status() + "}").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(r.status(), out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
