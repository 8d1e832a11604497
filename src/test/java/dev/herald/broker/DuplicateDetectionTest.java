package dev.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.support.TestHerald;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What Artemis' duplicate detection ({@code _AMQ_DUPL_ID}) does in transactions, on the embedded
 * broker as Herald configures it: dispatch relies on each of these (docs/architecture.md, Dispatch).
 */
class DuplicateDetectionTest {

    private static final String DUPL = "_AMQ_DUPL_ID";

    private Path dir;
    private BrokerLogins logins;
    private EmbeddedBroker broker;
    private ActiveMQConnectionFactory cf;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("herald-dupl");
        logins = new BrokerLogins(new BrokerLogins.Login("herald", BrokerLogins.newPassword(), "test"),
                new BrokerLogins.Login("producer", BrokerLogins.newPassword(), "test"),
                new BrokerLogins.Login("operator", BrokerLogins.newPassword(), "test"));
        startBroker(5);
    }

    private void startBroker(int logIdCache) throws Exception {
        broker = new EmbeddedBroker(dir, new EmbeddedBroker.Listener("127.0.0.1", TestHerald.freePort(), null), 200_000,
                logins, List.of("legacy.#"), logIdCache);
        broker.start();
        cf = new ActiveMQConnectionFactory(broker.vmUrl(), "herald", logins.herald().password());
    }

    @AfterEach
    void stop() throws Exception {
        cf.close();
        broker.stop();
    }

    @Test
    void aDuplicateRefusesItsWholeTransactionAtCommit() throws Exception {
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer p = s.createProducer(null);
            send(s, p, BrokerDefaults.LOG, "first", "evt-1");
            s.commit();

            p.send(s.createQueue(BrokerDefaults.DELIVERIES), s.createTextMessage("a delivery of the second copy"));
            send(s, p, BrokerDefaults.LOG, "second", "evt-1");
            // The send itself is not refused: the transaction is marked rollback-only, and the commit says so.
            assertThatThrownBy(s::commit).isInstanceOf(JMSException.class)
                    .satisfies(e -> assertThat(BrokerErrors.isDuplicate((JMSException) e)).as("recognised as a duplicate").isTrue());
            s.rollback();

            send(s, p, BrokerDefaults.LOG, "another event", "evt-2");
            s.commit();
        }
        assertThat(drain(BrokerDefaults.LOG)).containsExactly("first", "another event");
        assertThat(drain(BrokerDefaults.DELIVERIES)).as("nothing else of the refused transaction").isEmpty();
    }

    @Test
    void otherFailuresAreNotTakenForDuplicates() {
        assertThat(BrokerErrors.isDuplicate(new JMSException("AMQ219014: Timed out after waiting 30000 ms"))).isFalse();
        assertThat(BrokerErrors.isDuplicate(new jakarta.jms.TransactionRolledBackException("rolled back"))).isFalse();
    }

    /**
     * The id enters the cache when its transaction commits, not when it is sent: two transactions
     * that both send it before either commits both commit. Dispatch excludes concurrent copies itself.
     */
    @Test
    void twoOpenTransactionsWithTheSameIdBothCommit() throws Exception {
        try (Connection c1 = cf.createConnection(); Connection c2 = cf.createConnection()) {
            Session s1 = c1.createSession(true, Session.SESSION_TRANSACTED);
            Session s2 = c2.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer p1 = s1.createProducer(null);
            MessageProducer p2 = s2.createProducer(null);
            send(s1, p1, BrokerDefaults.LOG, "copy 1", "evt-race");
            send(s2, p2, BrokerDefaults.LOG, "copy 2", "evt-race");
            // A round trip on each session, so both sends have reached the broker before the first commit.
            s1.createBrowser(s1.createQueue(BrokerDefaults.DEAD)).getEnumeration().hasMoreElements();
            s2.createBrowser(s2.createQueue(BrokerDefaults.DEAD)).getEnumeration().hasMoreElements();
            s1.commit();
            s2.commit();
        }
        assertThat(drain(BrokerDefaults.LOG)).containsExactlyInAnyOrder("copy 1", "copy 2");
    }

    @Test
    void theWindowIsTheLastIdsSentToTheAddressAndSurvivesARestart() throws Exception {
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer p = s.createProducer(null);
            for (int i = 1; i <= 5; i++) send(s, p, BrokerDefaults.LOG, "e" + i, "e" + i);
            s.commit();
            // The same id to another address is not a duplicate: the cache is per address.
            send(s, p, BrokerDefaults.DELIVERIES, "e1 elsewhere", "e1");
            s.commit();
        }
        stop();
        startBroker(5);
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer p = s.createProducer(null);
            send(s, p, BrokerDefaults.LOG, "e1 again", "e1");
            assertThatThrownBy(s::commit).as("remembered across a restart (persisted with the journal)").isInstanceOf(JMSException.class);
            s.rollback();
            send(s, p, BrokerDefaults.LOG, "e6", "e6");
            s.commit();
            // e6 took e1's place in the five-entry cache: e1 is no longer known, e2 still is.
            send(s, p, BrokerDefaults.LOG, "e1 after the window", "e1");
            s.commit();
            send(s, p, BrokerDefaults.LOG, "e3 again", "e3");
            assertThatThrownBy(s::commit).isInstanceOf(JMSException.class);
            s.rollback();
        }
        assertThat(drain(BrokerDefaults.LOG)).containsExactly("e1", "e2", "e3", "e4", "e5", "e6", "e1 after the window");
        assertThat(drain(BrokerDefaults.DELIVERIES)).containsExactly("e1 elsewhere");
    }

    @Test
    void withoutTheIdNothingIsRemembered() throws Exception {
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer p = s.createProducer(null);
            for (int i = 0; i < 2; i++) {
                p.send(s.createQueue(BrokerDefaults.LOG), s.createTextMessage("retry"));
                s.commit();
            }
        }
        assertThat(drain(BrokerDefaults.LOG)).containsExactly("retry", "retry");
    }

    private static void send(Session s, MessageProducer p, String queue, String body, String duplicateId) throws JMSException {
        Message m = s.createTextMessage(body);
        m.setStringProperty(DUPL, duplicateId);
        p.send(s.createQueue(queue), m);
    }

    private List<String> drain(String queue) throws JMSException {
        List<String> out = new ArrayList<>();
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer mc = s.createConsumer(s.createQueue(queue));
            for (Message m = mc.receive(500); m != null; m = mc.receive(200)) out.add(m.getBody(String.class));
        }
        return out;
    }
}
