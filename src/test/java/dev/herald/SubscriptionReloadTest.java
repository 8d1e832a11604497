package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.event.Json;
import dev.herald.support.LogCapture;
import dev.herald.support.Receiver;
import dev.herald.support.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The subscriptions file edited while events flow: a subscription added, the file broken, then fixed
 * with the subscription removed. Nothing is lost, and each event goes to the subscriptions that
 * were in force when it was dispatched.
 */
class SubscriptionReloadTest {

    @Test
    void editsApplyLiveBrokenEditsAreRefusedAndNothingIsLost() throws Exception {
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start(TestHerald.webhooks("always " + receiver.url("/a")),
                     Map.of("herald.subscriptions.reload-interval", "200ms"))) {
            Path file = herald.dir.resolve("subscriptions.yaml");
            String onlyA = Files.readString(file);
            String withB = onlyA + TestHerald.webhooks("added " + receiver.url("/b")).replace("subscriptions:\n", "")
                    .replace("SECRET_FILE", herald.dir.resolve("secret").toString());
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger sent = new AtomicInteger();
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                try {
                    while (running.get() && sent.get() < 2000) {
                        int i = sent.getAndIncrement();
                        herald.send("legacy.orders", Json.string(Map.of("orderId", "R-" + i, "status", "created")), Map.of("eventId", "reload-" + i));
                        Thread.sleep(20);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests("/a").size() >= 10);
            Files.writeString(file, withB);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requests("/b").size() >= 5);

            try (LogCapture logs = new LogCapture()) {
                Files.writeString(file, withB + "  - id: broken\n   types: [oops\n");
                int bBefore = receiver.requests("/b").size();
                await("the broken edit is refused; B keeps serving").atMost(Duration.ofSeconds(20))
                        .until(() -> receiver.requests("/b").size() >= bBefore + 20);
                // The refusal says where the syntax error is, and quotes nothing of the file.
                assertThat(logs.text()).contains("Refused the edited", "subscriptions.yaml:11:4: not valid YAML: expected <block end>,"
                        + " but found '<block mapping start>' — check the indentation").doesNotContain("[oops");
            }

            Files.writeString(file, onlyA);
            Thread.sleep(1500); // the load runs on for a moment with B gone
            running.set(false);
            load.get();
            int total = sent.get();

            await().atMost(Duration.ofSeconds(60)).until(() -> ids(receiver, "/a").size() >= total);
            assertThat(ids(receiver, "/a")).hasSize(total);
            // B got exactly the events dispatched to it while it was in force, and all of them.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Set<String> dispatchedToB = herald.query("select event_id from deliveries where subscription_id = 'added'").stream()
                        .map(r -> (String) r.get("event_id")).collect(Collectors.toSet());
                assertThat(dispatchedToB).isNotEmpty().hasSizeLessThan(total);
                assertThat(ids(receiver, "/b")).isEqualTo(dispatchedToB);
                assertThat(herald.query("select count(*) as n from deliveries where subscription_id = 'added' and status <> 'succeeded'"))
                        .singleElement().satisfies(r -> assertThat(((Number) r.get("n")).intValue()).isZero());
            });
        }
    }

    private static Set<String> ids(Receiver receiver, String path) {
        return receiver.requests(path).stream().map(r -> Json.tree(r.bodyText()).path("id").asText()).collect(Collectors.toSet());
    }
}
