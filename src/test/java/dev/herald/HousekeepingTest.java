package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.support.TestHerald;
import java.util.Map;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

/** Herald's periodic work runs as Camel routes: Camel's tooling lists them and shutdown stops them with the rest. */
class HousekeepingTest {

    static final String[] JOBS = {"herald-subscription-state", "herald-subscriptions-reload", "herald-ordering-sweep",
            "herald-idempotency-purge"};

    @Test
    void periodicWorkIsRoutesThatStartAndStopWithHerald() throws Exception {
        try (TestHerald herald = TestHerald.start("subscriptions: []\n", Map.of())) {
            var camel = herald.herald().context();
            for (String id : JOBS) {
                assertThat(camel.getRouteController().getRouteStatus(id)).as(id).isEqualTo(ServiceStatus.Started);
            }
            herald.stopHerald();
            assertThat(camel.getRouteController().getRouteStatus(JOBS[0])).isIn(ServiceStatus.Stopped, null);
            assertThat(Thread.getAllStackTraces().keySet()).as("no timer thread of Herald's own is left")
                    .noneMatch(t -> t.getName().equals("herald-subscriptions") && t.isAlive());
        }
    }

    @Test
    void aJobTurnedOffHasNoRoute() throws Exception {
        try (TestHerald herald = TestHerald.start("subscriptions: []\n", Map.of("herald.subscriptions.reload-interval", "0"))) {
            assertThat(herald.herald().context().getRoute("herald-subscriptions-reload")).isNull();
            assertThat(herald.herald().context().getRoute("herald-subscription-state")).isNotNull();
        }
    }
}
