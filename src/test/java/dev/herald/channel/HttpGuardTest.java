package dev.herald.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.deliver.Delivery;
import dev.herald.deliver.RetrySchedule;
import dev.herald.deliver.WebhookSigner;
import dev.herald.event.Json;
import dev.herald.net.AddressGuard;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.TypePattern;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** Every delivery checks its target: a host that now resolves privately fails for good, with the reason. */
class HttpGuardTest {

    static Subscription webhook(String url) {
        return new Subscription("p", null, List.of(new TypePattern("*")), null, "webhook", URI.create(url),
                List.of(WebhookSigner.decodeSecret(WebhookSigner.newSecret())), Map.of(), null, null, RetrySchedule.parse("0s", 0), false);
    }

    @Test
    void aHostThatResolvesToAPrivateAddressAtDeliveryIsAPermanentFailure() throws Exception {
        AddressGuard guard = new AddressGuard("", host -> new InetAddress[] {InetAddress.getByName("10.1.2.3")});
        Channels channels = new Channels("Herald/test", 100, Duration.ofSeconds(1), guard);
        Delivery d = new Delivery("msg_1", "e1", "p", 1, Json.tree("{\"id\": \"e1\"}"));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            DefaultExchange ex = new DefaultExchange(camel);
            assertThatThrownBy(() -> channels.get("webhook").prepare(ex, d, webhook("https://partner.example/hooks"), new byte[0], 0))
                    .isInstanceOf(Channel.PermanentFailure.class)
                    .hasMessageContaining("partner.example resolves to 10.1.2.3 is private (RFC 1918)");
        }
    }

    @Test
    void theCheckedAddressIsWhatTheClientConnectsTo() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        AddressGuard guard = new AddressGuard("", host -> new InetAddress[] {
                InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.215.14" : "127.0.0.1")});
        Channels channels = new Channels("Herald/test", 100, Duration.ofSeconds(1), guard);
        Delivery d = new Delivery("msg_1", "e1", "p", 1, Json.tree("{\"id\": \"e1\"}"));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            DefaultExchange ex = new DefaultExchange(camel);
            channels.get("webhook").prepare(ex, d, webhook("https://rebind.example/hooks"), new byte[0], 0);
            // The HTTP client's resolver (the same guard), asked on this thread during the request:
            assertThat(guard.resolve("rebind.example")).extracting(InetAddress::getHostAddress).containsExactly("93.184.215.14");
            channels.get("webhook").answer(ex, new RuntimeException("done"), 0);
        }
        assertThatThrownBy(() -> guard.resolve("rebind.example")).hasMessageContaining("loopback");
    }
}
