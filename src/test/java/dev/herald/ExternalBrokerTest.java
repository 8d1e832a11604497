package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.deliver.DeliveryConsumer;
import dev.herald.support.Receiver;
import dev.herald.support.TestHerald;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With {@code herald.broker.url} set, Herald runs no broker of its own and works on the one it is
 * given. Here that broker is another Herald's embedded Artemis, whose own pipeline is stopped, so
 * only the second instance can have done the work.
 */
class ExternalBrokerTest {

    @Test
    void aConfiguredBrokerUrlReplacesTheEmbeddedBroker() throws Exception {
        try (Receiver receiver = new Receiver();
             TestHerald host = TestHerald.start(TestHerald.webhooks("ext " + receiver.url("/host")), Map.of())) {
            // The host is only a broker here: its routes and its deliver stage (not a route) stop.
            host.herald().context().getRouteController().stopAllRoutes();
            host.herald().context().getRegistry().lookupByNameAndType("heraldDeliver", DeliveryConsumer.class).stop();
            try (TestHerald client = TestHerald.start(TestHerald.webhooks("ext " + receiver.url("/client")),
                    Map.of("herald.broker.url", host.brokerUrl(), "herald.broker.user", host.broker().heraldLogin().user(),
                            "herald.broker.password", host.broker().heraldLogin().password()))) {
                assertThat(client.herald().context().getRegistry().lookupByName("heraldBroker")).as("no embedded broker").isNull();

                host.send("legacy.orders", "{\"orderId\": \"X-1\", \"status\": \"created\"}");

                await().atMost(Duration.ofSeconds(15)).until(() -> !receiver.requests("/client").isEmpty());
                assertThat(receiver.requests("/host")).isEmpty();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(client.query("select status from deliveries where subscription_id = 'ext'"))
                                .containsExactly(Map.of("status", "succeeded")));
            }
        }
    }
}
