package dev.herald.store;

import dev.herald.broker.BatchConsumer;
import dev.herald.broker.BrokerDefaults;
import dev.herald.event.Json;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
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

    public StoreWriter(ConnectionFactory connectionFactory, Store store, int batchSize, long flushMillis, int threads) {
        super("herald-store-writer", connectionFactory, BrokerDefaults.LOG, threads, batchSize, flushMillis);
        this.store = store;
    }

    @Override
    protected void handle(List<Message> messages, Session session, MessageProducer producer, Undo undo) throws Exception {
        List<LogRecord> batch = new ArrayList<>(messages.size());
        for (Message m : messages) add(batch, m);
        new StoreBatch(batch).write(store.dataSource());
    }

    private static void add(List<LogRecord> batch, Message m) throws JMSException {
        String text = text(m);
        try {
            batch.add(Json.read(text, LogRecord.class));
        } catch (RuntimeException e) {
            // Our own format: a record we cannot read is a bug; keep going, say so loudly.
            LOG.error("Unreadable store record skipped ({}): {}", e.getMessage(), text.length() > 500 ? text.substring(0, 500) : text);
        }
    }
}
