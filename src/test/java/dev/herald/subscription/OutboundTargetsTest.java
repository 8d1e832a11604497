package dev.herald.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.channel.Targets;
import dev.herald.net.AddressGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One outbound guard for every channel that connects to an address from the subscriptions file:
 * each refused target stops the file from loading, with the parameter and the reason.
 */
class OutboundTargetsTest {

    @TempDir
    Path dir;

    /** As the demo ships: only the demo receiver's and mail catcher's ports on loopback. */
    SubscriptionLoader loader(String allow, Set<String> schemes) {
        return new SubscriptionLoader(ref -> ref, RetrySchedule.parse("0s", 0), "127.0.0.1:9092",
                new Targets(new AddressGuard(allow), schemes));
    }

    List<Subscription> load(SubscriptionLoader loader, String subscription) throws Exception {
        Path f = dir.resolve("subscriptions.yaml");
        Files.writeString(f, "subscriptions:\n  - id: t\n    types: [\"*\"]\n" + subscription.indent(4));
        return loader.load(f);
    }

    String refusal(SubscriptionLoader loader, String subscription) {
        return assertThatThrownBy(() -> load(loader, subscription)).isInstanceOf(SubscriptionConfigException.class)
                .actual().getMessage();
    }

    @Test
    void anEmailServerOnAPrivateAddressIsRefused() {
        assertThat(refusal(loader("127.0.0.1:9000,127.0.0.1:1025", Set.of()), """
                channel: email
                parameters: {host: 127.0.0.2, port: 9100, from: h@example.com, to: ops@example.com, subject: s, text: t}
                """)).contains("parameters.host: 127.0.0.2 is loopback — Herald does not connect to non-public addresses");
    }

    @Test
    void aKafkaSubscriptionsOwnBrokersOnAPrivateAddressAreRefusedButHeraldsOwnKafkaIsNotJudged() throws Exception {
        assertThat(refusal(loader("", Set.of()), """
                channel: kafka
                parameters: {topic: out, brokers: "kafka-1.partner.example:9092,10.1.2.3:9092"}
                """)).contains("parameters.brokers: 10.1.2.3 is private (RFC 1918)");
        // No brokers: herald.kafka.brokers, the platform's own Kafka (here on loopback).
        assertThat(load(loader("", Set.of()), "channel: kafka\nparameters: {topic: out}\n")).hasSize(1);
    }

    @Test
    void endpointUrisAreJudgedByComponent() throws Exception {
        SubscriptionLoader loader = loader("127.0.0.1:9000", Set.of());
        assertThat(refusal(loader, "channel: endpoint\nparameters: {uri: \"http://127.0.0.1:8080/api/subscriptions\"}\n"))
                .contains("parameters.uri: 127.0.0.1 is loopback");
        assertThat(refusal(loader, "channel: endpoint\nparameters: {uri: \"kafka:out?brokers=169.254.169.254:9092\"}\n"))
                .contains("the cloud metadata service");
        assertThat(refusal(loader, "channel: endpoint\nparameters: {uri: \"smtp://10.0.0.8:25?to=x@example.com\"}\n"))
                .contains("10.0.0.8 is private");
        assertThat(refusal(loader, "channel: endpoint\nparameters: {uri: \"jms:queue:herald.deliveries\"}\n"))
                .contains("herald.deliveries is one of Herald's own queues");
        assertThat(refusal(loader, "channel: endpoint\nparameters: {uri: \"netty:tcp://10.0.0.1:5000\"}\n"))
                .contains("Herald cannot tell where a 'netty:' endpoint connects").contains("herald.ssrf.allow-schemes=netty");
        // Local components, and a scheme the operator allowed, load.
        assertThat(load(loader, "channel: endpoint\nparameters: {uri: \"jms:queue:partner.out\"}\n")).hasSize(1);
        assertThat(load(loader, "channel: endpoint\nparameters: {uri: \"file:data/outbox\"}\n")).hasSize(1);
        assertThat(load(loader("", Set.of("seda")), "channel: endpoint\nparameters: {uri: \"seda:audit\"}\n")).hasSize(1);
        assertThat(load(loader, "channel: endpoint\nparameters: {uri: \"http://127.0.0.1:9000/in\"}\n")).hasSize(1);
    }

    /** The allow-list config/application.properties ships: the demo receiver's port, not Herald's own ports. */
    @Test
    void theShippedAllowListOpensTheDemoPortsOnly() throws Exception {
        java.util.Properties shipped = new java.util.Properties();
        try (var in = Files.newBufferedReader(Path.of("config/application.properties"))) {
            shipped.load(in);
        }
        SubscriptionLoader loader = loader(shipped.getProperty("herald.ssrf.allow"), Set.of());
        String webhook = "channel: webhook\nparameters: {url: \"http://127.0.0.1:%d/x\", secretFile: %s}\n";
        Path secret = dir.resolve("secret");
        Files.writeString(secret, dev.herald.channel.WebhookSigner.newSecret());
        assertThat(load(loader, webhook.formatted(9000, secret))).hasSize(1);
        // Herald's own HTTP API and management ports, and any other port on loopback, stay closed.
        for (int port : new int[] {8080, 9876, 61616}) {
            assertThat(refusal(loader, webhook.formatted(port, secret)))
                    .contains("127.0.0.1 is loopback").contains("herald.ssrf.allow lets it through on port 9000 only");
        }
    }
}
