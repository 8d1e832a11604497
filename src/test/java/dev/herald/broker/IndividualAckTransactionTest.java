package dev.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.support.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.reader.TextMessageUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broker behaviour the deliver stage (dev.herald.deliver.DeliveryConsumer) rests on, pinned
 * against the real embedded broker: in a transacted core session, an individual acknowledgement
 * commits and rolls back together with the sends beside it, and a commit leaves the messages not
 * acknowledged with the consumer (neither acknowledged nor handed to anyone else); closing the
 * session returns them to the queue.
 */
class IndividualAckTransactionTest {

    private EmbeddedBroker broker;
    private BrokerLogins logins;
    private ServerLocator locator;
    private ClientSessionFactory factory;

    @BeforeEach
    void start() throws Exception {
        Path dir = Files.createTempDirectory("herald-ack");
        logins = new BrokerLogins(new BrokerLogins.Login("herald", BrokerLogins.newPassword(), "test"),
                new BrokerLogins.Login("producer", BrokerLogins.newPassword(), "test"),
                new BrokerLogins.Login("operator", BrokerLogins.newPassword(), "test"));
        broker = new EmbeddedBroker(dir, new EmbeddedBroker.Listener("127.0.0.1", TestHerald.freePort(), null), 200_000, logins,
                List.of("legacy.#"), 1000);
        broker.start();
        locator = ActiveMQClient.createServerLocator(broker.vmUrl());
        factory = locator.createSessionFactory();
        try (ClientSession s = session()) {
            for (String q : List.of("in", "out")) s.createQueue(QueueConfiguration.of(q).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
    }

    @AfterEach
    void stop() throws Exception {
        factory.close();
        locator.close();
        broker.stop();
    }

    private ClientSession session() throws Exception {
        return factory.createSession("herald", logins.herald().password(), false, false, false, false, 0);
    }

    private void put(String queue, String... bodies) throws Exception {
        try (ClientSession s = session()) {
            ClientProducer p = s.createProducer();
            for (String b : bodies) p.send(SimpleString.of(queue), text(s, b));
            s.commit();
        }
    }

    private static ClientMessage text(ClientSession s, String body) {
        ClientMessage m = s.createMessage(Message.TEXT_TYPE, true);
        TextMessageUtil.writeBodyText(m.getBodyBuffer(), SimpleString.of(body));
        return m;
    }

    private static String body(ClientMessage m) {
        return String.valueOf(TextMessageUtil.readBodyText(m.getBodyBuffer()));
    }

    private List<String> drain(String queue) throws Exception {
        List<String> out = new ArrayList<>();
        try (ClientSession s = session()) {
            ClientConsumer c = s.createConsumer(queue);
            s.start();
            for (ClientMessage m = c.receive(1000); m != null; m = c.receive(200)) {
                out.add(body(m));
                m.individualAcknowledge();
            }
            s.commit();
        }
        return out;
    }

    @Test
    void aCommitTakesOnlyTheAcknowledgedOnesAndTheSendsBesideThem() throws Exception {
        put("in", "a", "b", "c");
        try (ClientSession s = session()) {
            ClientConsumer c = s.createConsumer("in");
            ClientProducer p = s.createProducer();
            s.start();
            ClientMessage a = c.receive(2000);
            ClientMessage b = c.receive(2000);
            ClientMessage cc = c.receive(2000);
            assertThat(List.of(body(a), body(b), body(cc))).containsExactly("a", "b", "c");
            // b answered first: its record goes out and it is acknowledged; a and c are still in flight.
            p.send(SimpleString.of("out"), text(s, "record-b"));
            b.individualAcknowledge();
            s.commit();
            // The queue's count follows the commit's routing a moment later (a clean CI clone once read 0).
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> broker.messageCount("out") == 1);
            assertThat(broker.messageCount("in")).as("a and c still held by this consumer, not acknowledged").isEqualTo(2);

            // A second session sees neither a nor c: they are not handed to anyone else while in flight.
            try (ClientSession other = session()) {
                ClientConsumer oc = other.createConsumer("in");
                other.start();
                assertThat(oc.receive(500)).isNull();
            }

            // a answers: its record and its ack commit together.
            p.send(SimpleString.of("out"), text(s, "record-a"));
            a.individualAcknowledge();
            s.commit();
        }
        // The session closed with c unacknowledged: c is back on the queue, a and b are gone.
        assertThat(drain("in")).containsExactly("c");
        assertThat(drain("out")).containsExactlyInAnyOrder("record-b", "record-a");
    }

    @Test
    void aRollbackUndoesTheAcknowledgementAndTheSendsTogether() throws Exception {
        put("in", "a");
        try (ClientSession s = session()) {
            ClientConsumer c = s.createConsumer("in");
            ClientProducer p = s.createProducer();
            s.start();
            ClientMessage a = c.receive(2000);
            p.send(SimpleString.of("out"), text(s, "record-a"));
            a.individualAcknowledge();
            s.rollback();
        }
        assertThat(drain("out")).as("the send rolled back with the ack").isEmpty();
        assertThat(drain("in")).as("the message is back").containsExactly("a");
    }
}
