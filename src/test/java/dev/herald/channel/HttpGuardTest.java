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
import java.util.Set;
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
        Channels channels = new Channels("Herald/test", 100, Duration.ofSeconds(1), new Targets(guard, Set.of()), "kafka.herald.internal:9092");
        Delivery d = new Delivery("msg_1", "e1", "p", 1, Json.tree("{\"id\": \"e1\"}"));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            DefaultExchange ex = new DefaultExchange(camel);
            assertThatThrownBy(() -> channels.get("webhook").prepare(ex, d, webhook("https://partner.example/hooks"), new byte[0], 0))
                    .isInstanceOf(Channel.PermanentFailure.class)
                    .hasMessageContaining("partner.example resolves to 10.1.2.3 is private (RFC 1918)");
        }
    }

    /**
     * Every channel that connects somewhere checks again at delivery: a name that resolved to a public
     * address when the subscription loaded may resolve to a private one now.
     */
    @Test
    void emailKafkaAndEndpointTargetsAreCheckedAgainAtDelivery() throws Exception {
        AddressGuard guard = new AddressGuard("", host -> new InetAddress[] {InetAddress.getByName(
                host.equals("kafka.herald.internal") ? "10.9.9.9" : "169.254.169.254")});
        Channels channels = new Channels("Herald/test", 100, Duration.ofSeconds(1), new Targets(guard, Set.of()), "kafka.herald.internal:9092");
        Delivery d = new Delivery("msg_1", "e1", "p", 1, Json.tree("{\"id\": \"e1\", \"type\": \"order.created\"}"));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Map<String, String> mail = Map.of("host", "smtp.partner.example", "from", "h@example.com", "to", "ops@example.com",
                    "subject", "s", "text", "t");
            Subscription email = new Subscription("m", null, List.of(new TypePattern("*")), null, "email", null, List.of(),
                    mail, null, new dev.herald.deliver.EmailTemplates(mail), RetrySchedule.parse("0s", 0), false);
            assertThatThrownBy(() -> channels.get("email").prepare(new DefaultExchange(camel), d, email, new byte[0], 0))
                    .isInstanceOf(Channel.PermanentFailure.class).hasMessageContaining("the cloud metadata service");
            assertThatThrownBy(() -> channels.get("kafka").prepare(new DefaultExchange(camel), d,
                    other("kafka", Map.of("topic", "t", "brokers", "kafka.partner.example:9092")), new byte[0], 0))
                    .isInstanceOf(Channel.PermanentFailure.class).hasMessageContaining("kafka.partner.example resolves to 169.254.169.254");
            // Herald's own Kafka (herald.kafka.brokers) is infrastructure, not a target: not judged.
            channels.get("kafka").prepare(new DefaultExchange(camel), d,
                    other("kafka", Map.of("topic", "t", "brokers", "kafka.herald.internal:9092")), new byte[0], 0);
            assertThatThrownBy(() -> channels.get("endpoint").prepare(new DefaultExchange(camel), d,
                    other("endpoint", Map.of("uri", "http://inside.partner.example/x")), new byte[0], 0))
                    .isInstanceOf(Channel.PermanentFailure.class).hasMessageContaining("inside.partner.example resolves to 169.254.169.254");
        }
    }

    static Subscription other(String channel, Map<String, String> parameters) {
        return new Subscription("o", null, List.of(new TypePattern("*")), null, channel, null, List.of(), parameters, null, null,
                RetrySchedule.parse("0s", 0), false);
    }

    @Test
    void theCheckedAddressIsWhatTheClientConnectsTo() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        AddressGuard guard = new AddressGuard("", host -> new InetAddress[] {
                InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.215.14" : "127.0.0.1")});
        Channels channels = new Channels("Herald/test", 100, Duration.ofSeconds(1), new Targets(guard, Set.of()), "kafka.herald.internal:9092");
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
