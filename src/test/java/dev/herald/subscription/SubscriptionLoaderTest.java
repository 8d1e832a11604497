package dev.herald.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.channel.WebhookSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubscriptionLoaderTest {

    @TempDir
    Path dir;

    final String secret = WebhookSigner.newSecret();
    final Map<String, String> env = Map.of("{{env:ACME_SECRET}}", secret, "{{env:ACME_URL}}", "https://acme.example/hooks");
    final SubscriptionLoader loader = new SubscriptionLoader(ref -> {
        String v = env.get(ref);
        if (v == null) throw new IllegalArgumentException("Property with key [" + ref + "] not found");
        return v;
    }, RetrySchedule.parse(RetrySchedule.DEFAULT, 0.2));

    List<Subscription> load(String yaml) throws Exception {
        Path f = dir.resolve("subscriptions.yaml");
        Files.writeString(f, yaml);
        return loader.load(f);
    }

    @Test
    void aCompleteSubscriptionLoads() throws Exception {
        var subs = load("""
                subscriptions:
                  - id: acme-orders
                    types: ["order.*"]
                    filter: {data: {country: [DE]}}
                    channel: webhook
                    parameters: {url: "{{env:ACME_URL}}", secret: "{{env:ACME_SECRET}}"}
                    retry: [0s, 1m]
                    ordered: true
                """);
        assertThat(subs).singleElement().satisfies(s -> {
            assertThat(s.ordered()).isTrue();
            assertThat(s.url().toString()).isEqualTo("https://acme.example/hooks");
            assertThat(s.settings().signingKeys().get(0)).isEqualTo(WebhookSigner.decodeSecret(secret));
            assertThat(s.retry().attempts()).isEqualTo(2);
            assertThat(s.toString()).doesNotContain(secret.substring(6, 20));
        });
    }

    @Test
    void aRotationNeedsItsEndAndSignsWithBothKeysUntilThen() throws Exception {
        var subs = load("""
                subscriptions:
                  - id: rotating
                    types: ["*"]
                    parameters: {url: "{{env:ACME_URL}}", secret: "{{env:ACME_SECRET}}", previousSecret: "{{env:ACME_SECRET}}",
                                 previousSecretUntil: "2030-01-01T00:00:00Z"}
                """);
        var s = subs.get(0);
        assertThat(s.settings().signingKeysAt(java.time.Instant.parse("2029-12-31T23:59:59Z").toEpochMilli())).hasSize(2);
        assertThat(s.settings().signingKeysAt(java.time.Instant.parse("2030-01-01T00:00:00Z").toEpochMilli())).hasSize(1);

        assertThatThrownBy(() -> load("""
                subscriptions:
                  - id: a
                    types: ["*"]
                    parameters: {url: "{{env:ACME_URL}}", secret: "{{env:ACME_SECRET}}", previousSecret: "{{env:ACME_SECRET}}"}
                  - id: b
                    types: ["*"]
                    parameters: {url: "{{env:ACME_URL}}", secret: "{{env:ACME_SECRET}}", previousSecret: "{{env:ACME_SECRET}}",
                                 previousSecretUntil: "next week"}
                  - id: c
                    types: ["*"]
                    parameters: {url: "{{env:ACME_URL}}", secret: "{{env:ACME_SECRET}}", previousSecret: "whsec_written+in+the+file"}
                """))
                .hasMessageContaining("subscriptions.yaml:4:5: subscription a: parameters.previousSecretUntil is missing")
                .hasMessageContaining("subscriptions.yaml:8:39: subscription b: parameters.previousSecretUntil 'next week' is not an ISO-8601 instant")
                .hasMessageContaining("subscriptions.yaml:11:90: subscription c: parameters.previousSecret is written into the file");
    }

    @Test
    void aSecretWrittenIntoTheFileIsRefused() {
        assertThatThrownBy(() -> load("""
                subscriptions:
                  - id: leaky
                    types: ["*"]
                    parameters: {url: "https://x.example", secret: "%s"}
                """.formatted(secret)))
                .hasMessageContaining("subscriptions.yaml:4:52: subscription leaky: parameters.secret is written into the file")
                .hasMessageContaining("{{env:")
                .hasMessageNotContaining(secret);
    }

    @Test
    void everyProblemIsListedWithWhereAndWhatToWrite() {
        assertThatThrownBy(() -> load("""
                subscriptions:
                  - id: Bad Id
                    tpyes: ["order.*"]
                    parameters: {url: "ftp://x", secret: "{{env:MISSING}}"}
                  - id: two
                    types: ["order created"]
                    channel: carrier-pigeon
                  - id: three
                    types: ["*"]
                    parameters: {url: "https://ok.example", secretFile: /nonexistent/secret}
                    retry: [soon]
                    ordered: "yes"
                """))
                .isInstanceOf(SubscriptionConfigException.class)
                .hasMessageContaining("id 'Bad Id' is not valid")
                .hasMessageContaining("subscriptions.yaml:3:5: subscription Bad Id: unknown key 'tpyes' — did you mean types?")
                .hasMessageContaining("types is missing")
                .hasMessageContaining("must be an absolute http:// or https:// URL")
                .hasMessageContaining("{{env:MISSING}} is not set")
                .hasMessageContaining("subscriptions.yaml:6:13: subscription two: types: 'order created' is not an event type pattern")
                .hasMessageContaining("channel 'carrier-pigeon' is not known")
                .hasMessageContaining("secretFile '/nonexistent/secret' cannot be read")
                .hasMessageContaining("retry: 'soon' is not a duration")
                .hasMessageContaining("subscriptions.yaml:12:14: subscription three: ordered: 'yes' is not true or false — write `ordered: true`");
    }

    @Test
    void duplicateIdsAndAMissingListAreReported() {
        assertThatThrownBy(() -> load("subscription: []\n")).hasMessageContaining("top-level 'subscriptions:' list");
        assertThatThrownBy(() -> load("""
                subscriptions:
                  - {id: a, types: ["*"], parameters: {url: "https://x.example", secret: "{{env:ACME_SECRET}}"}}
                  - {id: a, types: ["*"], parameters: {url: "https://y.example", secret: "{{env:ACME_SECRET}}"}}
                """)).hasMessageContaining("subscriptions.yaml:3:10: subscription a: id 'a' is used twice — ids must be unique;"
                + " the other one is on line 2");
    }

    @Test
    void channelParametersAreCheckedAgainstTheChannelsContract() {
        assertThatThrownBy(() -> load("""
                subscriptions:
                  - id: k
                    types: ["*"]
                    channel: kafka
                    parameters: {topc: orders}
                  - id: e
                    types: ["*"]
                    channel: endpoint
                    parameters: {uri: "not a uri"}
                  - id: t
                    types: ["*"]
                    channel: endpoint
                    parameters: {uri: "jms:queue:out"}
                    transform: '{"id": .id'
                """))
                .hasMessageContaining("subscriptions.yaml:5:5: subscription k: parameters.topic is missing — the kafka channel requires it (Topic:")
                .hasMessageContaining("subscriptions.yaml:5:18: subscription k: parameters: unknown key 'topc' for the kafka channel — known keys are [brokers, topic]")
                .hasMessageContaining("subscriptions.yaml:9:23: subscription e: parameters.uri: ")
                .hasMessageContaining("expected A Camel endpoint URI")
                .hasMessageContaining("subscriptions.yaml:14:16: subscription t: transform: ");
    }

    @Test
    void aTransformCompilesAtLoadAndReshapesTheEvent() throws Exception {
        var s = load("""
                subscriptions:
                  - id: shaped
                    types: ["*"]
                    channel: endpoint
                    parameters: {uri: "jms:queue:out"}
                    transform: '{"order": .data.orderId, "kind": .type}'
                """).get(0);
        assertThat(s.transform().apply(dev.herald.event.Json.tree("{\"type\": \"order.created\", \"data\": {\"orderId\": \"A-1\", \"secret\": 1}}")))
                .hasToString("{\"order\":\"A-1\",\"kind\":\"order.created\"}");
        assertThat(s.parameters()).containsEntry("uri", "jms:queue:out");
    }
}
