package dev.herald.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.deliver.Delivery;
import dev.herald.channel.WebhookSigner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteDryRunTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @TempDir
    Path dir;

    @Test
    void printsWhoGetsTheEventWhyNotAndExactlyWhat() throws Exception {
        Files.writeString(dir.resolve("secret"), SECRET);
        Files.writeString(dir.resolve("subscriptions.yaml"), """
                subscriptions:
                  - id: partner-a
                    types: ["order.*"]
                    channel: webhook
                    parameters: {url: "https://a.example/hooks", secretFile: %s}
                    transform: '{"order": .data.orderId}'
                  - id: big-only
                    types: ["order.created"]
                    filter: {data: {total: [{numeric: [">=", 1000]}]}}
                    channel: kafka
                    parameters: {topic: big.orders, brokers: "k1:9092"}
                  - id: payments
                    types: ["payment.*"]
                    channel: endpoint
                    parameters: {uri: "jms:queue:payments"}
                """.formatted(dir.resolve("secret")));
        Files.writeString(dir.resolve("event.json"), """
                {"specversion": "1.0", "id": "evt-1", "source": "urn:shop", "type": "order.created",
                 "data": {"orderId": "A-1", "total": 20}}""");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = RouteDryRun.run(dir.resolve("event.json"), dir.resolve("subscriptions.yaml"), 1_700_000_000_000L,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String id = Delivery.idFor("evt-1", "partner-a");
        String signature = WebhookSigner.sign(id, 1_700_000_000L, "{\"order\":\"A-1\"}".getBytes(StandardCharsets.UTF_8),
                List.of(WebhookSigner.decodeSecret(SECRET)));
        assertThat(status).isZero();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("""
                event evt-1 (order.created) from urn:shop

                + partner-a: matched (webhook)
                  POST https://a.example/hooks
                  Content-Type: application/json
                  User-Agent: Herald/0.1
                  webhook-id: %s
                  webhook-signature: %s
                  webhook-timestamp: 1700000000
                  {"order":"A-1"}

                - big-only: not matched: the filter {"data":{"total":[{"numeric":[">=",1000]}]}} does not match

                - payments: not matched: type order.created is not in [payment.*]
                """.formatted(id, signature));
    }

    @Test
    void anEventThatIsNotACloudEventIsExplained() throws Exception {
        Files.writeString(dir.resolve("subscriptions.yaml"), "subscriptions: []\n");
        Files.writeString(dir.resolve("event.json"), "{\"orderId\": 1}");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertThat(RouteDryRun.run(dir.resolve("event.json"), dir.resolve("subscriptions.yaml"), 0, new PrintStream(bytes, true, StandardCharsets.UTF_8)))
                .isEqualTo(1);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("give a CloudEvent");
    }
}
