package dev.herald.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.support.Receiver;
import dev.herald.support.StandaloneArtemis;
import dev.herald.support.TestHerald;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The external Artemis broker killed mid-load and started again: Herald reconnects and finishes the work. */
class ChaosBrokerRestartTest {

    static final int EVENTS = 1500;

    @Test
    void theBrokerGoingAwayMidLoadLosesNothing() throws Exception {
        try (StandaloneArtemis artemis = StandaloneArtemis.start(); Receiver receiver = new Receiver();
             TestHerald herald = TestHerald.start(TestHerald.webhooks("chaos " + receiver.url("/b")), Map.of(
                     "herald.broker.url", artemis.url(), "herald.broker.user", StandaloneArtemis.USER,
                     "herald.broker.password", StandaloneArtemis.PASSWORD, "camel.main.shutdown-timeout", "5"))) {
            Load.send(artemis.url(), StandaloneArtemis.USER, StandaloneArtemis.PASSWORD, Load.orders("B-", EVENTS, "b"));
            await().atMost(Duration.ofMinutes(2)).until(() -> Load.eventIds(receiver, "/b").size() >= EVENTS / 4);
            artemis.kill();
            int atKill = Load.eventIds(receiver, "/b").size();
            assertThat(atKill).as("the broker died with deliveries still to make").isLessThan(EVENTS);
            Thread.sleep(3000); // the outage itself: Herald must ride out a broker that stays down a while
            artemis.run();

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Load.eventIds(receiver, "/b").size() >= EVENTS);
            await().atMost(Duration.ofMinutes(1)).until(() ->
                    ((Number) herald.query("select count(*) as n from deliveries where status = 'succeeded'").get(0).get("n")).intValue() == EVENTS);
            long delivered = Load.eventIds(receiver, "/b").size();
            long requests = receiver.requests("/b").size();
            long accepted = ((Number) herald.query("select count(*) as n from events").get(0).get("n")).longValue();
            long dead = ((Number) herald.query("select count(*) as n from dead_letters").get(0).get("n")).longValue();
            new Tally("broker killed and restarted (at " + atKill + ")", EVENTS, accepted, delivered, dead, 0, requests - delivered).print();
            assertThat(delivered).isEqualTo(EVENTS);
            assertThat(accepted).isEqualTo(EVENTS);
            assertThat(dead).isZero();
            assertThat(receiver.requests("/b").stream().map(r -> r.header("webhook-id")).distinct().count()).isEqualTo(EVENTS);
        }
    }
}
