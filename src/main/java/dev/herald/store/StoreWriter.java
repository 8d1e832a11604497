package dev.herald.store;

import dev.herald.broker.BatchConsumer;
import dev.herald.broker.BrokerDefaults;
import dev.herald.event.Json;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains {@code herald.log} into the store in batches: up to {@code batchSize} records or
 * {@code flushMillis} of waiting, one database transaction, then one JMS commit. A crash between
 * the two replays the batch, which the idempotent writes in {@link StoreBatch} absorb. A failed
 * database write rolls the batch back onto the queue: nothing is lost while the store is away.
 */
public final class StoreWriter extends BatchConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

    private final Store store;
    private final Consumer<Map<String, Long>> appended;

    /** @param appended told, after each commit that appended to streams, each one's last number */
    public StoreWriter(ConnectionFactory connectionFactory, Store store, int batchSize, long flushMillis, int threads,
                       Consumer<Map<String, Long>> appended) {
        super("herald-store-writer", connectionFactory, BrokerDefaults.LOG, threads, batchSize, flushMillis);
        this.store = store;
        this.appended = appended;
    }

    @Override
    protected void handle(List<Received> messages, Session session, MessageProducer producer, Undo undo) throws Exception {
        List<LogRecord> batch = new ArrayList<>(messages.size());
        for (Received m : messages) add(batch, m.text());
        Map<String, Long> heads = new StoreBatch(batch).write(store.dataSource());
        // Told once the store has it: the broker's commit may yet fail, and the batch come again (appended once).
        if (!heads.isEmpty()) appended.accept(heads);
    }

    private static void add(List<LogRecord> batch, String text) {
        try {
            batch.add(Json.read(text, LogRecord.class));
        } catch (RuntimeException e) {
            // Our own format: a record we cannot read is a bug; keep going, say so loudly (not what it holds: events' data).
            LOG.error("Unreadable store record of {} characters skipped: {}", text.length(), e.getClass().getSimpleName());
        }
    }
}
