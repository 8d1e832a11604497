package dev.herald.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client for the tests (the JDK's), with the few calls they make. */
public final class Http {

    /**
     * HTTP/1.1, as curl, browsers' first request and Prometheus speak to Herald: the JDK's default
     * would first try an h2c upgrade, which once left a large metrics body stalled mid-way in the suite.
     */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {}

    /** POST with headers given as name, value, name, value... */
    public static HttpResponse<String> post(String url, String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        return send(b, headers);
    }

    public static HttpResponse<String> get(String url, String... headers) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), headers);
    }

    /** PATCH with a JSON body. */
    public static HttpResponse<String> patch(String url, String body, String... headers) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"), headers);
    }

    public static HttpResponse<String> delete(String url, String... headers) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).DELETE(), headers);
    }

    private static HttpResponse<String> send(HttpRequest.Builder b, String... headers) throws Exception {
        b.timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        // The request timeout covers the answer's headers only: the whole answer is bounded here, so no test waits for ever.
        return CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
}
