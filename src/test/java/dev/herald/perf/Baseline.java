package dev.herald.perf;

import dev.herald.channel.WebhookSigner;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * The floor a user would hand-write: N threads, each receiving from a JMS queue on the same broker
 * in a local transaction, POSTing the body signed (Standard Webhooks, the same signer) with Apache
 * HttpClient 5 (what camel-http uses), and committing once the receiver answered. No store, no
 * retries, no fan-out: only the at-least-once hand-off every webhook sender needs.
 */
final class Baseline implements AutoCloseable {

    private final List<Thread> threads = new ArrayList<>();
    private final CloseableHttpClient http;
    private final ActiveMQConnectionFactory cf;
    private volatile boolean running = true;

    Baseline(String brokerUrl, String queue, String target, int consumers) {
        cf = new ActiveMQConnectionFactory(brokerUrl);
        http = HttpClients.custom().setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(consumers * 2).setMaxConnPerRoute(consumers * 2).build()).build();
        List<byte[]> keys = List.of(WebhookSigner.decodeSecret(WebhookSigner.newSecret()));
        for (int t = 0; t < consumers; t++) {
            Thread th = new Thread(() -> {
                try (Connection c = cf.createConnection(); Session s = c.createSession(true, Session.SESSION_TRANSACTED)) {
                    c.start();
                    MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
                    while (running) {
                        Message m = consumer.receive(200);
                        if (m == null) continue;
                        byte[] body = m.getBody(String.class).getBytes(StandardCharsets.UTF_8);
                        String id = "msg_" + UUID.randomUUID();
                        long ts = System.currentTimeMillis() / 1000;
                        HttpPost post = new HttpPost(target);
                        post.setHeader("webhook-id", id);
                        post.setHeader("webhook-timestamp", Long.toString(ts));
                        post.setHeader("webhook-signature", WebhookSigner.sign(id, ts, body, keys));
                        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
                        int status = http.execute(post, r -> {
                            EntityUtils.consume(r.getEntity());
                            return r.getCode();
                        });
                        if (status / 100 == 2) s.commit(); else s.rollback();
                    }
                } catch (Exception e) {
                    if (running) throw new IllegalStateException(e);
                }
            }, "baseline-" + t);
            th.setDaemon(true);
            th.start();
            threads.add(th);
        }
    }

    @Override
    public void close() throws Exception {
        running = false;
        for (Thread t : threads) t.join(5000);
        http.close();
        cf.close();
    }
}
