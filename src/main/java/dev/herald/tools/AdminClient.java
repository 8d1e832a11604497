package dev.herald.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Herald's admin API as the command line calls it: JSON both ways, the admin key as a bearer token,
 * and an error answer (problem+json) turned into an exception carrying its {@code detail}.
 */
final class AdminClient {

    private final URI base;
    private final String key;
    // HTTP/1.1: the JDK client would otherwise offer an h2c upgrade with every request.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** @param base Herald's address, such as http://127.0.0.1:8080 (a path, as behind a proxy, is kept)
     *  @param key the admin API key, or null/blank to send none (Herald without keys, on loopback) */
    AdminClient(URI base, String key) {
        this.base = base;
        this.key = key == null || key.isBlank() ? null : key.trim();
    }

    /** An id as one path segment: ids are opaque, and may hold '/', '?', spaces. */
    static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code ?a=1&b=2} of the parameters that have a value (the map's order); empty if none has. */
    static String query(Map<String, Object> params) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        params.forEach((name, value) -> {
            if (value != null) q.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
        });
        return q.toString();
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send("GET", path, request(path).GET());
    }

    /** Herald refuses a change that is not JSON (415), so every POST says it is, with a body even when empty. */
    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        String json = Json.MAPPER.writeValueAsString(body);
        return send("POST", path, request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.toString().replaceFirst("/+$", "") + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (key != null) b.header("Authorization", "Bearer " + key);
        return b;
    }

    private JsonNode send(String method, String path, HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> answer;
        try {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new IllegalStateException("cannot reach Herald at " + base + ": is it running? Give its address with --url");
        }
        JsonNode body = parse(answer.body());
        if (answer.statusCode() >= 300) {
            String detail = body != null && body.hasNonNull("detail") ? body.get("detail").asText()
                    : answer.body().isBlank() ? "(no detail)" : excerpt(answer.body());
            String hint = answer.statusCode() == 401 ? " (give the admin key with --key or HERALD_ADMIN_KEY)" : "";
            throw new IllegalStateException(method + " " + path + " answered " + answer.statusCode() + ": " + detail + hint);
        }
        if (body == null) throw new IllegalStateException(method + " " + path + " answered " + answer.statusCode() + " without JSON: " + excerpt(answer.body()));
        return body;
    }

    private static JsonNode parse(String text) {
        try {
            return text.isBlank() ? null : Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static String excerpt(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
    }
}
