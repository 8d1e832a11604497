package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.event.Json;
import dev.herald.support.HeraldExtension;
import dev.herald.support.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dispatch in the ingress's transaction, with the sample JMS route: what it dispatches itself, what
 * it leaves to the dispatch consumer on {@code herald.events}, and that copies and a store that does
 * not answer change nothing of what arrives.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InlineDispatchTest {

    @RegisterExtension
    static final HeraldExtension env = new HeraldExtension(receiver -> """
                subscriptions:
                  - id: orders
                    types: ["order.created"]
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                  - id: cancellations
                    types: ["order.cancelled"]
                    ordered: true
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                """.formatted(receiver.url("/orders"), receiver.url("/cancellations")),
            Map.of("herald.dispatch.recheck-after", "1s"));

    @Test
    void anUnorderedEventIsDispatchedByItsIngressWithoutGoingThroughHeraldEvents() throws Exception {
        long before = env.herald().broker().messagesAdded("herald.events");
        order("inline-1", "created", "C-1");
        awaitDelivered("/orders", "inline-1", 1);
        assertThat(env.herald().broker().messagesAdded("herald.events") - before).as("events queued for dispatch").isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(env.herald().query(
                "select status from deliveries where event_id = ?", "inline-1")).containsExactly(Map.of("status", "succeeded")));
    }

    @Test
    void anEventForAnOrderedSubscriptionTakesItsLanePlaceInDispatch() throws Exception {
        long before = env.herald().broker().messagesAdded("herald.events");
        order("lane-1", "cancelled", "C-2");
        awaitDelivered("/cancellations", "lane-1", 1);
        assertThat(env.herald().broker().messagesAdded("herald.events") - before).as("events queued for dispatch").isEqualTo(1);
    }

    @Test
    void copiesSentAtTheSameMomentAreDeliveredOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) ids.add("twin-" + i);
        // Each id twice, from two threads at once: the route's 12 consumers take the copies side by side.
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int copy = 0; copy < 2; copy++) {
                sent.add(senders.submit(() -> {
                    for (String id : ids) order(id, "created", "C-3");
                    return null;
                }));
            }
            for (Future<?> f : sent) f.get();
        } finally {
            senders.shutdownNow();
        }
        for (String id : ids) awaitDelivered("/orders", id, 1);
        // A copy left to dispatch is looked at again after recheck-after (1 s here): wait past that and more.
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(8)).until(() -> env.herald().broker().messageCount("herald.events") == 0);
        for (String id : ids) assertThat(delivered("/orders", id)).as(id).isEqualTo(1);
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: for 5 s after, ingress still leaves every event to dispatch
    void whileTheStoreDoesNotAnswerEventsWaitForDispatchAndArriveOnceItDoes() throws Exception {
        try (LogCapture log = new LogCapture()) {
            // The copies check reads `events`: without it, no copy can be ruled out.
            env.herald().execute("alter table events rename to events_away");
            try {
                order("away-1", "created", "C-4");
                order("away-2", "created", "C-4");
                await().atMost(Duration.ofSeconds(10)).until(() -> log.text().contains("The store is not answering"));
                await().atMost(Duration.ofSeconds(10)).until(() -> env.herald().broker().messageCount("legacy.orders") == 0);
                assertThat(delivered("/orders", "away-1") + delivered("/orders", "away-2")).as("nothing dispatched without the store").isZero();
            } finally {
                env.herald().execute("alter table events_away rename to events");
            }
        }
        awaitDelivered("/orders", "away-1", 1);
        awaitDelivered("/orders", "away-2", 1);
        assertThat(env.herald().broker().messageCount("herald.poison")).isZero();
    }

    private static void order(String id, String status, String customer) throws Exception {
        env.herald().send("legacy.orders", Json.string(Map.of("orderId", id, "status", status, "customer", Map.of("id", customer))),
                Map.of("eventId", id));
    }

    private static long delivered(String path, String id) {
        return env.receiver().requests(path).stream().filter(r -> r.bodyText().contains("\"" + id + "\"")).count();
    }

    private static void awaitDelivered(String path, String id, int times) {
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered(path, id) >= times);
    }
}
