package dev.herald.perf;

import dev.herald.channel.WebhookSigner;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.Timeout;

/**
 * The hand-written floors' webhook sender: HttpClient 5's async client (one I/O thread, a pool of
 * keep-alive connections, many requests in flight), each body signed with Herald's Standard
 * Webhooks signer.
 */
final class AsyncPoster implements AutoCloseable {

    private final CloseableHttpAsyncClient http;
    private final List<byte[]> keys = List.of(WebhookSigner.decodeSecret(WebhookSigner.newSecret()));

    /** @param connections HTTP/1.1 keep-alive connections to the receiver (requests beyond them wait for one) */
    AsyncPoster(int connections) {
        http = HttpAsyncClients.custom()
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(connections).setMaxConnPerRoute(connections)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(5)).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(Timeout.ofSeconds(30))
                        .setResponseTimeout(Timeout.ofSeconds(30)).build())
                .build();
        http.start();
    }

    /** Signs and sends one body as webhook {@code id}; the future holds the status code (or the failure). */
    CompletableFuture<Integer> post(String target, String id, byte[] body) {
        long ts = System.currentTimeMillis() / 1000;
        SimpleHttpRequest request = SimpleRequestBuilder.post(target)
                .setHeader("webhook-id", id)
                .setHeader("webhook-timestamp", Long.toString(ts))
                .setHeader("webhook-signature", WebhookSigner.sign(id, ts, body, keys))
                .setBody(body, ContentType.APPLICATION_JSON)
                .build();
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        http.execute(request, new FutureCallback<SimpleHttpResponse>() {
            @Override
            public void completed(SimpleHttpResponse r) {
                answer.complete(r.getCode());
            }

            @Override
            public void failed(Exception e) {
                answer.completeExceptionally(e);
            }

            @Override
            public void cancelled() {
                answer.cancel(false);
            }
        });
        return answer;
    }

    @Override
    public void close() {
        http.close(CloseMode.GRACEFUL);
    }
}
