package dev.herald.deliver;

import dev.herald.channel.Channel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * The HTTP channels' requests (webhook, Slack), made without a thread waiting on each: Apache
 * HttpClient 5's async client, so one delivery loop keeps many attempts in flight. The request is
 * what the channel prepared on the exchange (body, headers, {@code CamelHttpUri}); the answer goes
 * back onto the exchange the way camel-http would put it (status header, {@code Retry-After},
 * {@code Location}, and the first bytes of the body), so the channel reads it unchanged.
 *
 * <p>Redirects are not followed, cookies not kept, nothing is retried by the client (an attempt
 * Herald would neither schedule nor record), and only {@code excerptBytes} of an answer's body are
 * kept, whatever its size. The SSRF guard is the client's DNS resolver; where the channel already
 * checked the target's addresses, the connection goes to the checked address without a second
 * lookup.
 */
public final class HttpCalls implements AutoCloseable {

    /** The checked addresses of the request's host (an exchange property the HTTP channels set). */
    static final String ADDRESSES = Channel.ADDRESSES;

    private final CloseableHttpAsyncClient client;
    private final int excerptBytes;
    private final RequestConfig requestConfig;

    public HttpCalls(DnsResolver guard, Duration timeout, int maxConnections, int maxPerHost, int excerptBytes) {
        this.excerptBytes = excerptBytes;
        Timeout t = Timeout.of(timeout);
        this.requestConfig = RequestConfig.custom().setResponseTimeout(t).setConnectionRequestTimeout(t).build();
        this.client = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setDnsResolver(guard)
                        .setMaxConnTotal(maxConnections)
                        .setMaxConnPerRoute(maxPerHost)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t).build())
                        .build())
                .setIOReactorConfig(IOReactorConfig.custom().setSoTimeout(t).setIoThreadCount(Math.max(1,
                        Runtime.getRuntime().availableProcessors() / 2)).build())
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAutomaticRetries()
                .disableConnectionState()
                .build();
        client.start();
    }

    /** Sends the request the channel prepared; {@code done} gets the error, or null once the answer is on the exchange. */
    void call(Exchange exchange, Consumer<Throwable> done) {
        Message m = exchange.getMessage();
        SimpleHttpRequest request;
        try {
            URI uri = URI.create(m.getHeader(Exchange.HTTP_URI, String.class));
            InetAddress[] checked = exchange.getProperty(ADDRESSES, InetAddress[].class);
            if (checked != null && checked.length == 0) {
                // The channel's strict guard found no address and lets nobody else look the name up.
                done.accept(new java.net.UnknownHostException(uri.getHost() + " does not resolve"));
                return;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            HttpHost host = checked != null && checked.length > 0
                    ? new HttpHost(uri.getScheme(), checked[0], uri.getHost(), port)
                    : new HttpHost(uri.getScheme(), uri.getHost(), port);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            request = SimpleHttpRequest.create(Method.POST, host, uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
            request.setConfig(requestConfig);
            String contentType = "application/json";
            for (Map.Entry<String, Object> h : m.getHeaders().entrySet()) {
                String name = h.getKey();
                if (h.getValue() == null || name.startsWith("Camel") || name.equalsIgnoreCase("Content-Type")) {
                    if (name.equalsIgnoreCase("Content-Type") && h.getValue() != null) contentType = h.getValue().toString();
                    continue;
                }
                request.addHeader(name, h.getValue().toString());
            }
            request.setBody(m.getBody(byte[].class), ContentType.parse(contentType));
        } catch (RuntimeException e) {
            done.accept(e);
            return;
        }
        client.execute(SimpleRequestProducer.create(request), new Excerpt(excerptBytes), new FutureCallback<>() {
            @Override
            public void completed(Excerpt.Result r) {
                m.getHeaders().clear();
                m.setHeader(Exchange.HTTP_RESPONSE_CODE, r.status());
                if (r.retryAfter() != null) m.setHeader("Retry-After", r.retryAfter());
                if (r.location() != null) m.setHeader("Location", r.location());
                m.setBody(r.body());
                done.accept(null);
            }

            @Override
            public void failed(Exception e) {
                done.accept(e);
            }

            @Override
            public void cancelled() {
                done.accept(new IOException("the request was cancelled"));
            }
        });
    }

    @Override
    public void close() {
        client.close(CloseMode.GRACEFUL);
    }

    /** Keeps the status, the headers the attempt model reads, and the first bytes of the body; the rest is read and dropped. */
    private static final class Excerpt implements AsyncResponseConsumer<Excerpt.Result> {

        record Result(int status, String retryAfter, String location, byte[] body) {}

        private final int max;
        private ByteBuffer kept;
        private HttpResponse response;
        private FutureCallback<Result> callback;

        Excerpt(int max) {
            this.max = max;
        }

        @Override
        public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context, FutureCallback<Result> callback) {
            this.response = response;
            this.callback = callback;
            this.kept = ByteBuffer.allocate(entity == null ? 0 : max);
            if (entity == null) finish();
        }

        @Override
        public void informationResponse(HttpResponse response, HttpContext context) {
        }

        @Override
        public void updateCapacity(CapacityChannel channel) throws IOException {
            channel.update(Integer.MAX_VALUE);
        }

        @Override
        public void consume(ByteBuffer src) {
            int n = Math.min(kept.remaining(), src.remaining());
            if (n > 0) {
                ByteBuffer slice = src.slice();
                slice.limit(n);
                kept.put(slice);
            }
            src.position(src.limit()); // the rest is not kept
        }

        @Override
        public void streamEnd(java.util.List<? extends Header> trailers) {
            finish();
        }

        private void finish() {
            byte[] body = new byte[kept.position()];
            kept.flip();
            kept.get(body);
            Header retryAfter = response.getFirstHeader("Retry-After");
            Header location = response.getFirstHeader("Location");
            callback.completed(new Result(response.getCode(), retryAfter == null ? null : retryAfter.getValue(),
                    location == null ? null : location.getValue(), body));
        }

        @Override
        public void failed(Exception cause) {
        }

        @Override
        public void releaseResources() {
        }
    }
}
