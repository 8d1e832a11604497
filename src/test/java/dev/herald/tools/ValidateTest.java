package dev.herald.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateTest {

    @TempDir
    Path root;

    @Test
    void theRepositorysOwnConfigurationHasNoProblems() throws Exception {
        // The demo subscriptions sign with a local secret that bin/herald makes on first use (data/ is git-ignored).
        Path demoSecret = Path.of("data/demo-webhook.secret");
        if (!Files.exists(demoSecret)) {
            Files.createDirectories(demoSecret.getParent());
            Files.writeString(demoSecret, dev.herald.channel.WebhookSigner.newSecret());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Validate.run(Path.of("."), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("no problems");
        assertThat(status).isZero();
    }

    @Test
    void everyBrokenFileIsReportedAtItsPlaceWithAFix() throws Exception {
        Files.createDirectories(root.resolve("routes"));
        Files.createDirectories(root.resolve("config"));
        Files.copy(Path.of("config/application.properties"), root.resolve("config/application.properties"));
        Files.writeString(root.resolve("routes/bad-indent.yaml"), """
                - route:
                    id: indent
                    from:
                      uri: jms:queue:a
                     steps:
                        - to: direct:herald-accept
                """);
        Files.writeString(root.resolve("routes/unknown-eip.yaml"), """
                - route:
                    id: typo
                    from:
                      uri: jms:queue:b
                      steps:
                        - setHeadr:
                            name: ce-type
                            constant: order.created
                """);
        Files.writeString(root.resolve("routes/kebab.yaml"), """
                - route:
                    id: kebab
                    from:
                      uri: jms:queue:c
                      steps:
                        - set-header:
                            name: ce-type
                            constant: order.created
                """);
        Files.writeString(root.resolve("routes/good.yaml"), """
                - route:
                    id: good
                    from:
                      uri: jms:queue:d
                      steps:
                        - to: direct:herald-accept
                """);
        Files.writeString(root.resolve("config/subscriptions.yaml"), """
                subscriptions:
                  - id: ok
                    types: ["order.*"]
                    channel: endpoint
                    parameters: {uri: "jms:queue:ok"}
                  - id: ledger
                    types: ["payment.*"]
                    channel: kafka
                    parameters: {topc: ledger}
                  - id: picky
                    types: ["order.*"]
                    filter: {data: {total: 5}}
                    channel: endpoint
                    parameters: {uri: "jms:queue:x"}
                """);
        Files.writeString(root.resolve("config/catalog.yaml"), """
                types:
                  order.created:
                    description: ok
                    schema: {type: object}
                  order.shipped:
                    description: shipped
                    schema: {type: 42}
                """);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Validate.run(root, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "routes/bad-indent.yaml:5:6: not valid YAML: expected <block end>, but found '<block mapping start>'"
                        + " — check the indentation: nested keys are indented further than their parent, list items start with '- '",
                "routes/kebab.yaml:6:11: unknown key 'set-header' — write setHeader (the kebab-case form is deprecated;"
                        + " Camel's canonical YAML uses camelCase)",
                "routes/unknown-eip.yaml:6:11: unknown key 'setHeadr' — did you mean setHeader?",
                // The key that is missing is reported at its parent, an unknown key at itself, a wrong value at the value.
                "config/subscriptions.yaml:9:5: subscription ledger: parameters.topic is missing — the kafka channel requires it"
                        + " (Topic: The topic to deliver to, such as partner.orders)",
                "config/subscriptions.yaml:9:18: subscription ledger: parameters: unknown key 'topc' for the kafka channel"
                        + " — known keys are [brokers, topic]",
                "config/subscriptions.yaml:12:28: subscription picky: filter.data.total is a single value — write a list of values"
                        + " or matchers, such as [5]",
                "config/catalog.yaml:7:20: types.order.shipped.schema: not a usable JSON Schema: $.type: does not have a value in"
                        + " the enumeration [\"array\", \"boolean\", \"integer\", \"null\", \"number\", \"object\", \"string\"];"
                        + " $.type: integer found, array expected — write a JSON Schema (2020-12) for the type's data, see docs/integrators.md",
                "herald validate: 7 problem(s) in 6 file(s) checked");
    }

    @Test
    void aSyntaxErrorIsOneLineAtItsRealPlaceQuotingNothingOfTheFile() throws Exception {
        Files.createDirectories(root.resolve("config"));
        Files.copy(Path.of("config/application.properties"), root.resolve("config/application.properties"));
        Files.writeString(root.resolve("config/subscriptions.yaml"), """
                subscriptions:
                  - id: acme-orders
                    types: ["order.*"]
                    channel: endpoint
                    parameters: {uri: "jms:queue:acme.private.queue"}
                  - id: broken
                   types: [oops
                """);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Validate.run(root, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "config/subscriptions.yaml:7:4: not valid YAML: expected <block end>, but found '<block mapping start>'"
                        + " — check the indentation: nested keys are indented further than their parent, list items start with '- '",
                "herald validate: 1 problem(s) in 1 file(s) checked");
    }

    @Test
    void everyContentProblemOfTheFileIsReportedInOnePassAtItsKeyOrValue() throws Exception {
        Files.createDirectories(root.resolve("config"));
        Files.copy(Path.of("config/application.properties"), root.resolve("config/application.properties"));
        // An unknown channel used to hide the secret written into the file until it was fixed.
        Files.writeString(root.resolve("config/subscriptions.yaml"), """
                subscriptions:
                  - id: pigeon
                    types: ["order.*"]
                    channel: carrier-pigeon
                    parameters:
                      secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
                  - id: typo
                    types: ["order.*"]
                    channel: webhok
                    parameters:
                      url: https://partner.example/hooks
                      secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
                    ordered: true
                    ordered: false
                """);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Validate.run(root, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "config/subscriptions.yaml:4:14: subscription pigeon: channel 'carrier-pigeon' is not known"
                        + " — available channels: webhook, slack, email, kafka, endpoint, stream",
                "config/subscriptions.yaml:6:15: subscription pigeon: parameters.secret is written into the file"
                        + " — secrets never live in the repository; reference it instead, such as secret: \"{{env:PARTNER_SECRET}}\"",
                "config/subscriptions.yaml:9:14: subscription typo: channel 'webhok' is not known"
                        + " — did you mean webhook? available channels: webhook, slack, email, kafka, endpoint, stream",
                "config/subscriptions.yaml:12:15: subscription typo: parameters.secret is written into the file"
                        + " — secrets never live in the repository; reference it instead, such as secret: \"{{env:PARTNER_SECRET}}\"",
                "config/subscriptions.yaml:14:5: key 'ordered' is written twice in the same map (also on line 13)"
                        + " — keep one: only the last one would count",
                "herald validate: 5 problem(s) in 1 file(s) checked");
    }

    @Test
    void anOrderedSubscriptionFedByConcurrentConsumersIsAWarningThatSaysWhatTheProducerMustDo() throws Exception {
        Files.createDirectories(root.resolve("routes"));
        Files.createDirectories(root.resolve("config"));
        Files.copy(Path.of("config/application.properties"), root.resolve("config/application.properties"));
        Files.writeString(root.resolve("routes/orders.yaml"), """
                - route:
                    id: orders
                    from:
                      uri: jms:queue:orders
                      parameters:
                        concurrentConsumers: 4
                      steps:
                        - setHeader:
                            name: ce-type
                            constant: order.created
                        - to: direct:herald-accept
                """);
        Files.writeString(root.resolve("routes/payments.yaml"), """
                - route:
                    id: payments
                    from:
                      uri: kafka:payments
                      parameters:
                        brokers: 127.0.0.1:9092
                        consumersCount: 3
                      steps:
                        - to: direct:herald-accept
                """);
        Files.writeString(root.resolve("routes/one-at-a-time.yaml"), """
                - route:
                    id: one-at-a-time
                    from:
                      uri: jms:queue:invoices
                      steps:
                        - to: direct:herald-accept
                """);
        Files.writeString(root.resolve("config/subscriptions.yaml"), """
                subscriptions:
                  - id: orders-in-order
                    types: ["order.*"]
                    ordered: true
                    channel: endpoint
                    parameters: {uri: "jms:queue:partner.orders"}
                  - id: signups-in-order
                    types: ["user.*"]
                    channel: endpoint
                    parameters: {uri: "jms:queue:partner.users"}
                    ordered: true
                  - id: orders-any-order
                    types: ["order.*"]
                    channel: endpoint
                    parameters: {uri: "jms:queue:partner.any"}
                """);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Validate.run(root, new PrintStream(out, true, StandardCharsets.UTF_8));

        // The JMS route gives order.created only, so the user.* subscription hears of it from Kafka alone;
        // the unordered subscription and the single-consumer route are not mentioned.
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "config/subscriptions.yaml:4:5: warning: subscription orders-in-order is ordered, but its order.created events can come"
                        + " from route orders (routes/orders.yaml), where 4 consumers read jms:queue:orders at once: two events of one key"
                        + " can be accepted in either order — the producer must set JMSXGroupID to the ordering key, so the broker hands"
                        + " one key's messages to one consumer at a time (or the route reads with one consumer)",
                "config/subscriptions.yaml:4:5: warning: subscription orders-in-order is ordered, but its events can come from route"
                        + " payments (routes/payments.yaml), where 3 consumers read kafka:payments at once: two events of one key can be"
                        + " accepted in either order — the producer must use the ordering key as the record key, so one key's records"
                        + " stay in one partition and are read in order",
                "config/subscriptions.yaml:11:5: warning: subscription signups-in-order is ordered, but its events can come from route"
                        + " payments (routes/payments.yaml), where 3 consumers read kafka:payments at once: two events of one key can be"
                        + " accepted in either order — the producer must use the ordering key as the record key, so one key's records"
                        + " stay in one partition and are read in order",
                "herald validate: 4 file(s) checked, no problems; 3 warning(s)");
    }
}
