package dev.herald.broker;

import dev.herald.support.TestHerald;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * What {@code herald.dispatch.id-cache-size} costs: the heap an embedded broker holds once
 * {@code herald.log}'s duplicate-id cache is full of event ids (UUIDs, as Herald derives them), and
 * how long the broker then takes to start (it reloads the ids from its journal). The records
 * themselves are consumed, so only the cache is left; the same number of records without an id,
 * sent and consumed first, is the baseline. Usage: IdCacheFootprint [IDS=100000]. Not a test.
 */
public final class IdCacheFootprint {

    public static void main(String[] args) throws Exception {
        int ids = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path dir = Files.createTempDirectory("herald-idcache");
        BrokerLogins logins = new BrokerLogins(new BrokerLogins.Login("herald", BrokerLogins.newPassword(), "bench"),
                new BrokerLogins.Login("producer", BrokerLogins.newPassword(), "bench"),
                new BrokerLogins.Login("operator", BrokerLogins.newPassword(), "bench"));
        EmbeddedBroker broker = start(dir, logins, ids);
        // The same records without an id first, so what the broker keeps anyway (buffers, compiled code) is not counted.
        fill(broker, logins, ids, false);
        long before = usedAfterGc();
        fill(broker, logins, ids, true);
        long after = usedAfterGc();
        System.out.printf("%,d ids in herald.log's cache: %,d bytes of heap more (%,d per id)%n", ids, after - before,
                (after - before) / ids);
        broker.stop();
        long t0 = System.nanoTime();
        broker = start(dir, logins, ids);
        System.out.printf("restart with the full cache: %,d ms (journal %s)%n", (System.nanoTime() - t0) / 1_000_000,
                size(dir.resolve("broker/journal")));
        broker.stop();
    }

    private static EmbeddedBroker start(Path dir, BrokerLogins logins, int ids) throws Exception {
        EmbeddedBroker broker = new EmbeddedBroker(dir, new EmbeddedBroker.Listener("127.0.0.1", TestHerald.freePort(), null),
                200_000, logins, List.of("legacy.#"), ids);
        broker.start();
        return broker;
    }

    /** As dispatch sends them: one dispatched record per event id, 100 to a transaction; then consumed. */
    private static void fill(EmbeddedBroker broker, BrokerLogins logins, int ids, boolean withIds) throws Exception {
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(broker.vmUrl(), "herald", logins.herald().password());
             Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer p = s.createProducer(s.createQueue(BrokerDefaults.LOG));
            MessageConsumer consumer = s.createConsumer(s.createQueue(BrokerDefaults.LOG));
            for (int i = 0; i < ids; i++) {
                Message m = s.createTextMessage("{}");
                if (withIds) m.setStringProperty("_AMQ_DUPL_ID", UUID.randomUUID().toString());
                p.send(m);
                if (i % 100 == 99 || i == ids - 1) {
                    s.commit();
                    while (consumer.receiveNoWait() != null) {
                        // drained
                    }
                    s.commit();
                }
            }
            while (consumer.receive(200) != null) {
                // drained
            }
            s.commit();
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static String size(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            long bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            return String.format("%,d bytes", bytes);
        }
    }
}
