package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.event.Json;
import dev.herald.support.Receiver;
import dev.herald.support.Stomp;
import dev.herald.support.TestHerald;
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
            // Logged in as the legacy producer, with the password Herald keeps in its data directory.
            String body = "{\"orderId\": \"ST-1\", \"status\": \"created\"}";
            try (Stomp stomp = Stomp.open(port)) {
                assertThat(stomp.connect("producer", herald.producerPassword())).startsWith("CONNECTED");
                assertThat(stomp.frame("SEND\ndestination:legacy.orders\ndestination-type:ANYCAST\ncontent-type:application/json\n"
                        + "eventId:stomp-evt-1\nreceipt:r1\n\n" + body)).startsWith("RECEIPT");
            }
            var r = await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests("/stomp"), l -> !l.isEmpty()).get(0);
            assertThat(Json.tree(r.bodyText()).path("id").asText()).isEqualTo("stomp-evt-1");
            assertThat(Json.tree(r.bodyText()).path("data").path("orderId").asText()).isEqualTo("ST-1");
        }
    }
}
