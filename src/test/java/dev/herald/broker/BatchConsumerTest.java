package dev.herald.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.support.TestHerald;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * Batches of a real (embedded) broker's queue: everything a batch sent commits with it, a failed
 * batch is rolled back whole and its undo steps run, and a message that fails is retried alone, so
 * the messages that shared its first batch are not held back with it.
 */
class BatchConsumerTest {

    @Test
    void aFailingMessageRollsBackItsBatchThenFailsOnlyItself() throws Exception {
        Path dir = Files.createTempDirectory("herald-batch");
        BrokerLogins logins = new BrokerLogins(new BrokerLogins.Login("herald", BrokerLogins.newPassword(), "test"),
                new BrokerLogins.Login("producer", BrokerLogins.newPassword(), "test"), new BrokerLogins.Login("operator", BrokerLogins.newPassword(), "test"));
        EmbeddedBroker broker = new EmbeddedBroker(dir, new EmbeddedBroker.Listener("127.0.0.1", TestHerald.freePort(), null), 200_000,
                logins, List.of("legacy.#"), 1000);
        broker.start();
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(broker.vmUrl(), "herald", logins.herald().password())) {
            try (Connection c = cf.createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer p = s.createProducer(s.createQueue("in"));
                for (int i = 0; i < 50; i++) p.send(s.createTextMessage(i == 7 ? "poison" : "m" + i));
            }
            Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
            List<Integer> poisonBatches = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger undone = new AtomicInteger();
            BatchConsumer consumer = new BatchConsumer("test-batch", cf, "in", 1, 20, 0) {
                @Override
                protected void handle(List<Received> batch, Session session, MessageProducer producer, Undo undo) throws Exception {
                    undo.add(undone::incrementAndGet);
                    for (Received m : batch) {
                        String text = m.text();
                        producer.send(session.createQueue("out"), session.createTextMessage(text));
                        if (text.equals("poison")) {
                            poisonBatches.add(batch.size());
                            // Fails twice, then goes through.
                            if (tries.computeIfAbsent(text, k -> new AtomicInteger()).incrementAndGet() <= 2) {
                                throw new IllegalStateException("cannot handle " + text);
                            }
                        }
                    }
                }
            };
            consumer.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> broker.messageCount("out") >= 50 && broker.messageCount("in") == 0);
            } finally {
                consumer.stop();
            }
            List<String> out = new ArrayList<>();
            try (Connection c = cf.createConnection()) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer mc = s.createConsumer(s.createQueue("out"));
                for (Message m = mc.receive(1000); m != null; m = mc.receive(200)) out.add(m.getBody(String.class));
            }
            assertThat(out).as("each message once: what the failed batches sent was rolled back with them")
                    .hasSize(50).doesNotHaveDuplicates().contains("poison", "m0", "m49");
            assertThat(undone).as("the undo steps of the two failed batches ran").hasValue(2);
            assertThat(poisonBatches).as("tried three times").hasSize(3);
            assertThat(poisonBatches.get(0)).as("the first batch held more than the poison").isGreaterThan(1);
            assertThat(poisonBatches.subList(1, 3)).as("redelivered, it is handled alone").containsExactly(1, 1);
        } finally {
            broker.stop();
        }
    }
}
