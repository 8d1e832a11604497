package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.event.Json;
import dev.herald.support.Receiver;
import dev.herald.support.TestHerald;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A legacy system that speaks only STOMP (plain text frames over TCP, as in the README
 * walkthrough) drops an order on the queue; it arrives as a webhook.
 */
class LegacyClientTest {

    @Test
    void aStompFrameOnTheLegacyQueueArrivesAsAWebhook() throws Exception {
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start(TestHerald.webhooks("stomp " + receiver.url("/stomp")), Map.of())) {
            int port = herald.brokerPort();
            String body = "{\"orderId\": \"ST-1\", \"status\": \"created\"}";
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(("CONNECT\naccept-version:1.2\nhost:localhost\n\n\0").getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(readFrame(in)).startsWith("CONNECTED");
                out.write(("SEND\ndestination:legacy.orders\ndestination-type:ANYCAST\ncontent-type:application/json\n"
                        + "eventId:stomp-evt-1\nreceipt:r1\n\n" + body + "\0").getBytes(StandardCharsets.UTF_8));
                out.flush();
                assertThat(readFrame(in)).startsWith("RECEIPT");
            }
            var r = await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/stomp"), l -> !l.isEmpty()).get(0);
            assertThat(Json.tree(r.bodyText()).path("id").asText()).isEqualTo("stomp-evt-1");
            assertThat(Json.tree(r.bodyText()).path("data").path("orderId").asText()).isEqualTo("ST-1");
        }
    }

    private static String readFrame(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c > 0; c = in.read()) sb.append((char) c);
        return sb.toString().trim();
    }
}
