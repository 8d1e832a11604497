package dev.herald.broker;

import static org.awaitility.Awaitility.await;

import dev.herald.support.TestHerald;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The embedded broker, as `bin/herald run` starts it: security on, the three logins, the roles. */
class EmbeddedBrokerRolesTest extends BrokerRolesContract {

    static TestHerald herald;

    @BeforeAll
    static void start() throws Exception {
        herald = TestHerald.start("subscriptions: []\n", Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        herald.close();
    }

    @Override
    int port() {
        return herald.brokerPort();
    }

    @Override
    String producerPassword() throws Exception {
        return herald.producerPassword();
    }

    @Override
    String operatorPassword() throws Exception {
        return herald.operatorPassword();
    }

    /** Herald itself puts it there: malformed input from a producer is kept on herald.rejected. */
    @Override
    long rejectedWithOne() throws Exception {
        herald.send("legacy.orders", "this is not JSON");
        await().atMost(Duration.ofSeconds(10)).until(() -> rejectedCount() >= 1);
        return rejectedCount();
    }

    @Override
    long rejectedCount() {
        return herald.broker().messageCount(BrokerDefaults.REJECTED);
    }
}
