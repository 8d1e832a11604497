package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.deliver.Parking;
import dev.herald.support.Http;
import dev.herald.support.Receiver;
import dev.herald.support.Receiver.Response;
import dev.herald.support.TestHerald;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A backlog that waits on an open circuit costs nothing while it waits: its deliveries are parked
 * once each on the subscription's own queue (not consumed and re-scheduled at every probe interval),
 * another partner is served meanwhile, one goes back for each probe, and once a probe succeeds all
 * of them are delivered — none lost, none dead.
 */
class ParkingTest {

    private static final int WAITING = 150;

    @Test
    void deliveriesWaitingOnAnOpenCircuitAreParkedOnceAndAllDeliveredAfter() throws Exception {
        try (Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start("subscriptions:\n"
                     + ProtectionTest.sub("down", "down", receiver.url("/down"), "")
                     + ProtectionTest.sub("up", "up", receiver.url("/up"), ""),
                     Map.of("herald.circuit.failures", "3", "herald.circuit.probe-interval", "2s", "herald.circuit.disable-after", "1h"))) {
            // Every request to /down fails until the receiver is told otherwise.
            Response[] failing = new Response[1000];
            java.util.Arrays.fill(failing, Response.of(503));
            receiver.script("/down", failing);
            for (int i = 0; i < WAITING; i++) ProtectionTest.send(herald, "down", "D-" + i);

            String parked = Parking.queue("down");
            // All parked but the few that failed before the circuit opened: they wait as scheduled retries.
            await().atMost(Duration.ofSeconds(60)).until(() -> herald.broker().messageCount(parked) >= WAITING - 10
                    && herald.broker().messageCount(parked) + herald.broker().messageCount("herald.deliveries") == WAITING);
            double deferred = deferredCount(herald);

            // Over three probe intervals: the parked stay parked (one out per probe at most), nobody
            // re-schedules them, and another partner's deliveries go through meanwhile.
            for (int i = 0; i < 20; i++) ProtectionTest.send(herald, "up", "U-" + i);
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests("/up").size() >= 20);
            await("three probe intervals of 2 s: still parked").during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8))
                    .until(() -> herald.broker().messageCount(parked) >= WAITING - 15);
            assertThat(deferredCount(herald) - deferred).as("deferrals while parked: at most one per probe, not the whole backlog")
                    .isLessThan(10);
            int probes = receiver.requests("/down").size();

            // The partner recovers: the next probe succeeds, the circuit closes, everything parked is delivered.
            receiver.unscript("/down");
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.requests("/down").size() - probes >= WAITING - 3
                    && herald.broker().messageCount(parked) == 0);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(herald.query("select count(*) as n from deliveries where subscription_id = 'down' and status = 'succeeded'")
                        .get(0).get("n")).isEqualTo((long) WAITING);
                assertThat(herald.query("select count(*) as n from dead_letters").get(0).get("n")).isEqualTo(0L);
            });
        }
    }

    private static double deferredCount(TestHerald herald) throws Exception {
        String metrics = Http.get(herald.management("/observe/metrics")).body();
        Matcher m = Pattern.compile("(?m)^herald_deliveries_deferred_total\\{[^}]*subscription=\"down\"[^}]*} ([0-9.E+]+)").matcher(metrics);
        double total = 0;
        while (m.find()) total += Double.parseDouble(m.group(1));
        return total;
    }
}
