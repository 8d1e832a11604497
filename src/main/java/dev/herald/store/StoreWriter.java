package dev.herald.store;

import dev.herald.broker.BrokerDefaults;
import dev.herald.event.Json;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains {@code herald.log} into the store in batches: up to {@code batchSize} records or
 * {@code flushMillis} of waiting, one database transaction, then one JMS commit. A crash between
 * the two replays the batch, which the idempotent writes in {@link StoreBatch} absorb.
 *
 * <p>Plain JMS rather than a Camel route: a route acknowledges message by message, and batching
 * the acknowledgement with the database commit is the point of this class.
 */
public final class StoreWriter extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

    private final ConnectionFactory connectionFactory;
    private final Store store;
    private final int batchSize;
    private final long flushMillis;
    private final int threads;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running;

    public StoreWriter(ConnectionFactory connectionFactory, Store store, int batchSize, long flushMillis, int threads) {
        this.connectionFactory = connectionFactory;
        this.store = store;
        this.batchSize = batchSize;
        this.flushMillis = flushMillis;
        this.threads = threads;
    }

    @Override
    protected void doStart() {
        running = true;
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::run, "herald-store-writer-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        for (Thread t : workers) t.join(TimeUnit.SECONDS.toMillis(10));
        workers.clear();
    }

    /** Keeps a connection to the broker (re-opening it after a broker outage) and drains batches on it. */
    private void run() {
        long backoff = 0;
        while (running) {
            try (Connection connection = connectionFactory.createConnection()) {
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue(BrokerDefaults.LOG));
                connection.start();
                backoff = 0;
                drain(session, consumer);
            } catch (JMSException e) {
                if (!running) return;
                backoff = Math.min(Math.max(backoff * 2, 1000), 30_000);
                LOG.warn("Store writer lost the broker ({}); reconnecting in {} ms", e.getMessage(), backoff);
                if (!sleep(backoff)) return;
            }
        }
    }

    private void drain(Session session, MessageConsumer consumer) throws JMSException {
        long backoff = 0;
        while (running) {
            List<LogRecord> batch = receiveBatch(consumer);
            if (batch.isEmpty()) continue;
            try {
                new StoreBatch(batch).write(store.dataSource());
                session.commit();
                backoff = 0;
            } catch (SQLException e) {
                session.rollback();
                backoff = Math.min(Math.max(backoff * 2, 500), 30_000);
                LOG.warn("Store write of {} records failed, retrying in {} ms (nothing is lost: they stay on {}): {}",
                        batch.size(), backoff, BrokerDefaults.LOG, e.getMessage());
                if (!sleep(backoff)) return;
            }
        }
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private List<LogRecord> receiveBatch(MessageConsumer consumer) throws JMSException {
        List<LogRecord> batch = new ArrayList<>();
        Message first = consumer.receive(200);
        if (first == null) return batch;
        add(batch, first);
        long deadline = System.currentTimeMillis() + flushMillis;
        while (batch.size() < batchSize) {
            long left = deadline - System.currentTimeMillis();
            Message m = left > 0 ? consumer.receive(left) : consumer.receiveNoWait();
            if (m == null) break;
            add(batch, m);
        }
        return batch;
    }

    private static void add(List<LogRecord> batch, Message m) throws JMSException {
        String text = m instanceof TextMessage t ? t.getText() : m.getBody(String.class);
        try {
            batch.add(Json.read(text, LogRecord.class));
        } catch (RuntimeException e) {
            // Our own format: a record we cannot read is a bug; keep going, say so loudly.
            LOG.error("Unreadable store record skipped ({}): {}", e.getMessage(), text.length() > 500 ? text.substring(0, 500) : text);
        }
    }
}
