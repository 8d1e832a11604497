package dev.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.herald.support.Stomp;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * The broker's trust boundaries (docs/security.md), tried as a non-Java client would: raw STOMP
 * frames over TCP, one attempt per connection (the broker may close a connection after an ERROR).
 * Each broker Herald supports, embedded or external, must pass all of it.
 */
abstract class BrokerRolesContract {

    /** The broker's STOMP-speaking port on 127.0.0.1. */
    abstract int port();

    abstract String producerPassword() throws Exception;

    abstract String operatorPassword() throws Exception;

    /** Makes sure herald.rejected holds at least one message, and returns how many it holds. */
    abstract long rejectedWithOne() throws Exception;

    /** How many messages herald.rejected holds now. */
    abstract long rejectedCount() throws Exception;

    @Test
    void aClientWithoutCredentialsOrWithWrongOnesIsRefused() throws Exception {
        try (Stomp anonymous = Stomp.open(port())) {
            assertThat(anonymous.connect(null, null)).startsWith("ERROR");
        }
        try (Stomp wrong = Stomp.open(port())) {
            assertThat(wrong.connect("producer", "not-the-password")).startsWith("ERROR");
        }
        try (Stomp wrong = Stomp.open(port())) {
            assertThat(wrong.connect("herald", producerPassword())).as("Herald's user with another's password").startsWith("ERROR");
        }
    }

    @Test
    void aProducerSendsToIngressAddressesAndNowhereElse() throws Exception {
        assertThat(asProducer(s -> s.send("legacy.orders", "{\"orderId\": \"R-1\", \"status\": \"created\"}"))).startsWith("RECEIPT");
        assertThat(asProducer(s -> s.send("erp.orders", "<ErpOrder><OrderNo>1</OrderNo></ErpOrder>"))).startsWith("RECEIPT");
        for (String forbidden : List.of("herald.events", "herald.deliveries", "herald.dead", "herald.rejected", "herald.log",
                "partner.out", "legacyx.orders")) {
            assertThat(asProducer(s -> s.send(forbidden, "{\"specversion\": \"1.0\", \"id\": \"forged\"}")))
                    .as("a producer sending to " + forbidden).startsWith("ERROR");
        }
    }

    @Test
    void aProducerCannotConsume() throws Exception {
        for (String queue : List.of("herald.deliveries", "herald.events", "herald.rejected", "herald.dead", "legacy.orders")) {
            assertThat(asProducer(s -> s.subscribe(queue))).as("a producer consuming " + queue).startsWith("ERROR");
        }
    }

    /**
     * Browsing is a Core, AMQP or OpenWire feature (Artemis' STOMP has no browser): the operator looks
     * with a JMS queue browser, as `artemis browser` does, and is refused everything else, in STOMP too.
     */
    @Test
    void anOperatorBrowsesRejectedAndDeadLettersButTakesNothing() throws Exception {
        long held = rejectedWithOne();
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port(), "operator", operatorPassword());
             Connection c = cf.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            c.start();
            var seen = Collections.list(s.createBrowser(s.createQueue("herald.rejected")).getEnumeration());
            assertThat(seen).isNotEmpty();
            assertThatCode(() -> Collections.list(s.createBrowser(s.createQueue("herald.dead")).getEnumeration()))
                    .as("an operator browsing herald.dead").doesNotThrowAnyException();
            for (String queue : List.of("herald.rejected", "herald.dead", "herald.deliveries")) {
                assertThatThrownBy(() -> s.createConsumer(s.createQueue(queue)).close()).as("an operator consuming " + queue)
                        .isInstanceOf(JMSSecurityException.class);
            }
            assertThatThrownBy(() -> Collections.list(s.createBrowser(s.createQueue("herald.deliveries")).getEnumeration()))
                    .as("an operator browsing herald.deliveries").isInstanceOf(JMSSecurityException.class);
        }
        for (String queue : List.of("herald.rejected", "herald.dead")) {
            assertThat(asOperator(st -> st.subscribe(queue))).as("an operator consuming " + queue + " over STOMP").startsWith("ERROR");
        }
        assertThat(asOperator(st -> st.send("legacy.orders", "{}"))).as("an operator sending").startsWith("ERROR");
        // Looking took nothing away: the only copy of the rejected input is still there.
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> rejectedCount() == held);
    }

    private interface Step {
        String run(Stomp stomp) throws Exception;
    }

    private String asProducer(Step step) throws Exception {
        return as("producer", producerPassword(), step);
    }

    private String asOperator(Step step) throws Exception {
        return as("operator", operatorPassword(), step);
    }

    private String as(String user, String password, Step step) throws Exception {
        try (Stomp stomp = Stomp.open(port())) {
            assertThat(stomp.connect(user, password)).startsWith("CONNECTED");
            return step.run(stomp);
        }
    }
}
