package dev.herald.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.event.Json;
import dev.herald.net.AddressGuard;
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

    static ChannelSettings webhook(String url) {
        return new ChannelSettings(Map.of(), URI.create(url), List.of(WebhookSigner.decodeSecret(WebhookSigner.newSecret())), null, null);
    }

    /** An attempt of delivery msg_1 (event e1) with these settings. */
    static Channel.Call call(ChannelSettings settings) {
        return new Channel.Call("msg_1", Json.tree("{\"id\": \"e1\", \"type\": \"order.created\"}"), settings, new byte[0], 0);
    }

    @Test
    void aHostThatResolvesToAPrivateAddressAtDeliveryIsAPermanentFailure() throws Exception {
        AddressGuard guard = new AddressGuard("", host -> new InetAddress[] {InetAddress.getByName("10.1.2.3")});
        Channels channels = new Channels("Herald/test", 100, Duration.ofSeconds(1), new Targets(guard, Set.of()), "kafka.herald.internal:9092");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            DefaultExchange ex = new DefaultExchange(camel);
            assertThatThrownBy(() -> channels.get("webhook").prepare(ex, call(webhook("https://partner.example/hooks"))))
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
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Map<String, String> mail = Map.of("host", "smtp.partner.example", "from", "h@example.com", "to", "ops@example.com",
                    "subject", "s", "text", "t");
            ChannelSettings email = new ChannelSettings(mail, null, List.of(), null, new EmailTemplates(mail));
            assertThatThrownBy(() -> channels.get("email").prepare(new DefaultExchange(camel), call(email)))
                    .isInstanceOf(Channel.PermanentFailure.class).hasMessageContaining("the cloud metadata service");
            assertThatThrownBy(() -> channels.get("kafka").prepare(new DefaultExchange(camel), call(other(Map.of("topic", "t", "brokers", "kafka.partner.example:9092")))))
                    .isInstanceOf(Channel.PermanentFailure.class).hasMessageContaining("kafka.partner.example resolves to 169.254.169.254");
            // Herald's own Kafka (herald.kafka.brokers) is infrastructure, not a target: not judged.
            channels.get("kafka").prepare(new DefaultExchange(camel), call(other(Map.of("topic", "t", "brokers", "kafka.herald.internal:9092"))));
            assertThatThrownBy(() -> channels.get("endpoint").prepare(new DefaultExchange(camel), call(other(Map.of("uri", "http://inside.partner.example/x")))))
                    .isInstanceOf(Channel.PermanentFailure.class).hasMessageContaining("inside.partner.example resolves to 169.254.169.254");
        }
    }

    static ChannelSettings other(Map<String, String> parameters) {
        return new ChannelSettings(parameters, null, List.of(), null, null);
    }

    @Test
    void theCheckedAddressIsWhatTheClientConnectsTo() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        AddressGuard guard = new AddressGuard("", host -> new InetAddress[] {
                InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.215.14" : "127.0.0.1")});
        Channels channels = new Channels("Herald/test", 100, Duration.ofSeconds(1), new Targets(guard, Set.of()), "kafka.herald.internal:9092");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            DefaultExchange ex = new DefaultExchange(camel);
            channels.get("webhook").prepare(ex, call(webhook("https://rebind.example/hooks")));
            // The HTTP client's resolver (the same guard), asked on this thread during the request:
            assertThat(guard.resolve("rebind.example")).extracting(InetAddress::getHostAddress).containsExactly("93.184.215.14");
            channels.get("webhook").answer(ex, new RuntimeException("done"), 0);
        }
        assertThatThrownBy(() -> guard.resolve("rebind.example")).hasMessageContaining("loopback");
    }

    /** A partner's webhook passes the partners' guard at every delivery: the platform's allow-list is not theirs. */
    @Test
    void aPartnersWebhookIsJudgedByThePartnersGuardWithoutThePlatformsAllowList() throws Exception {
        AddressGuard.Lookup internal = host -> new InetAddress[] {InetAddress.getByName("10.1.2.3")};
        AddressGuard platform = new AddressGuard("10.0.0.0/8", internal);
        AddressGuard partners = new AddressGuard("", internal, "");
        Channels channels = new Channels("Herald/test", 100, Duration.ofSeconds(1), new Targets(platform, Set.of()), partners,
                "kafka.herald.internal:9092");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            channels.get("webhook", false).prepare(new DefaultExchange(camel), call(webhook("https://billing.internal/hooks")));
            assertThatThrownBy(() -> channels.get("webhook", true).prepare(new DefaultExchange(camel), call(webhook("https://billing.internal/hooks"))))
                    .isInstanceOf(Channel.PermanentFailure.class)
                    .hasMessageContaining("billing.internal resolves to 10.1.2.3 is private (RFC 1918)")
                    .hasMessageNotContaining("herald.ssrf.allow");
        }
    }

    /** A partner's host that does not resolve at the check is not left to the client's own lookup (the platform's guard). */
    @Test
    void aPartnersHostThatDoesNotResolveIsNotLookedUpAgainByTheClient() throws Exception {
        AddressGuard.Lookup nowhere = host -> {
            throw new java.net.UnknownHostException(host);
        };
        Channels channels = new Channels("Herald/test", 100, Duration.ofSeconds(1), new Targets(new AddressGuard("", nowhere), Set.of()),
                new AddressGuard("", nowhere, ""), "kafka.herald.internal:9092");
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            DefaultExchange partner = new DefaultExchange(camel);
            channels.get("webhook", true).prepare(partner, call(webhook("https://later.example/hooks")));
            assertThat(partner.getProperty(Channel.ADDRESSES, InetAddress[].class)).as("no address: the call fails and is retried").isEmpty();
            DefaultExchange platform = new DefaultExchange(camel);
            channels.get("webhook", false).prepare(platform, call(webhook("https://later.example/hooks")));
            assertThat(platform.getProperty(Channel.ADDRESSES)).as("the platform's: the client resolves it through the guard").isNull();
        }
    }
}
