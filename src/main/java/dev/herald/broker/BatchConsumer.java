package dev.herald.broker;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes a queue in batches: up to {@code batchSize} messages, or whatever arrived within
 * {@code lingerMillis} of the first, handled together and committed as one JMS transaction (with
 * everything the handler sent on the same session). A persistent commit waits for the journal's
 * disk sync, so one commit per batch instead of one per message is where the throughput comes from.
 *
 * <p>Plain JMS rather than a Camel route: a Camel JMS consumer commits message by message, and
 * batching the commit is the point of this class.
 *
 * <p>A failed batch is rolled back (the handler's {@link Undo} steps run) and the broker redelivers
 * it with its backoff; for a while after a failure, and for a redelivered message, batches are of
 * one, so a message that keeps failing fails only itself (after the broker's last try it is parked
 * on the poison queue) and does not take the messages batched with it along.
 */
public abstract class BatchConsumer extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(BatchConsumer.class);

    /**
     * What a handler did outside the JMS transaction and must take back if the batch is rolled back
     * ({@link #add}), and what it holds until the batch is over either way ({@link #afterwards}).
     */
    public static final class Undo {
        private final List<Runnable> steps = new ArrayList<>();
        private final List<Runnable> afterwards = new ArrayList<>();
        private final List<Runnable> onCommit = new ArrayList<>();

        public void add(Runnable step) {
            steps.add(step);
        }

        /** Runs only once the batch committed (before its afterwards steps): to count what it did. */
        public void onCommit(Runnable step) {
            onCommit.add(step);
        }

        /** Runs once the batch is over: after its commit returned, or after it was rolled back (and the undo steps ran). */
        public void afterwards(Runnable step) {
            afterwards.add(step);
        }

        /** The batch was rolled back: its undo steps, then its afterwards steps. (Whoever runs the batch calls this.) */
        public void rolledBack() {
            runAll(steps, "undo a step of a rolled-back batch");
            runAll(afterwards, "let go of what a rolled-back batch held");
        }

        /** The batch committed: its on-commit steps, then its afterwards steps. (Whoever runs the batch calls this.) */
        public void committed() {
            succeeded();
            over();
        }

        /** Its commit succeeded: the on-commit steps, alone (when the batch is over later, or elsewhere). */
        public void succeeded() {
            runAll(onCommit, "count what a committed batch did");
        }

        /** The batch is over, committed or not: its afterwards steps, alone. */
        public void over() {
            runAll(afterwards, "let go of what a committed batch held");
        }

        private static void runAll(List<Runnable> all, String what) {
            for (Runnable step : all) {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    LOG.warn("Could not {}: {}", what, e.getMessage());
                }
            }
        }
    }

    private final String name;
    private final ConnectionFactory connectionFactory;
    private final String queue;
    private final int threads;
    private final int batchSize;
    private final long lingerMillis;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running;

    protected BatchConsumer(String name, ConnectionFactory connectionFactory, String queue, int threads, int batchSize,
                            long lingerMillis) {
        this.name = name;
        this.connectionFactory = connectionFactory;
        this.queue = queue;
        this.threads = threads;
        this.batchSize = batchSize;
        this.lingerMillis = lingerMillis;
    }

    /** A message of a batch and its text, read as it was received. */
    public record Received(Message message, String text) {}

    /**
     * Handles one batch; everything sent with {@code producer} commits with it. Throwing rolls the
     * batch back. Must not commit or roll back the session itself.
     */
    protected abstract void handle(List<Received> batch, Session session, MessageProducer producer, Undo undo) throws Exception;

    /**
     * Called after a batch was rolled back because {@code handle} or the commit failed. True when
     * that was an expected outcome the subclass has dealt with (logged, remembered): the consumer
     * then goes on without pausing or warning. Its messages are redelivered and, for a while,
     * batches are of one either way.
     */
    protected boolean expected(List<Received> batch, Exception failure) {
        return false;
    }

    @Override
    protected void doStart() {
        running = true;
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::run, name + "-" + i);
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
                MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
                MessageProducer producer = session.createProducer(null);
                connection.start();
                backoff = 0;
                drain(session, consumer, producer);
            } catch (JMSException e) {
                if (!running) return;
                backoff = Math.min(Math.max(backoff * 2, 1000), 30_000);
                LOG.warn("{} lost the broker ({}); reconnecting in {} ms", name, e.getMessage(), backoff);
                if (!sleep(backoff)) return;
            }
        }
    }

    private void drain(Session session, MessageConsumer consumer, MessageProducer producer) throws JMSException {
        long backoff = 0;
        int singles = 0;
        while (running) {
            List<Received> batch = receiveBatch(consumer, singles > 0 ? 1 : batchSize);
            if (batch.isEmpty()) continue;
            Undo undo = new Undo();
            try {
                handle(batch, session, producer, undo);
                session.commit();
                undo.committed();
                backoff = 0;
                if (singles > 0) singles--;
            } catch (Exception e) {
                try {
                    session.rollback(); // throws if the connection is gone: then run() reconnects
                } finally {
                    undo.rolledBack();
                }
                // The failed messages come back one by one, so one bad message fails only itself.
                singles = Math.max(singles, 2 * batchSize);
                if (expected(batch, e)) continue;
                backoff = Math.min(Math.max(backoff * 2, 500), 30_000);
                LOG.warn("{}: a batch of {} message(s) failed and was rolled back; the broker redelivers it (nothing is lost,"
                        + " it stays on {}); pausing {} ms: {}", name, batch.size(), queue, backoff, String.valueOf(e.getMessage()));
                if (!sleep(backoff)) return;
            }
        }
    }

    /**
     * Up to {@code max} messages: what arrives within the linger time after the first; a redelivered
     * first one alone. Each body is read as it arrives: a large message (over 100 KB) streams from
     * the broker, and the next receive on the consumer cuts off the stream of one not read yet.
     */
    private List<Received> receiveBatch(MessageConsumer consumer, int max) throws JMSException {
        List<Received> batch = new ArrayList<>();
        Message first = consumer.receive(200);
        if (first == null) return batch;
        batch.add(new Received(first, text(first)));
        if (first.getJMSRedelivered()) return batch;
        long deadline = System.currentTimeMillis() + lingerMillis;
        while (batch.size() < max) {
            long left = deadline - System.currentTimeMillis();
            Message m = left > 0 ? consumer.receive(left) : consumer.receiveNoWait();
            if (m == null) break;
            batch.add(new Received(m, text(m)));
        }
        return batch;
    }

    /** A message's text: Herald's own messages are JSON, sent as text or (by Camel, from bytes) as bytes. */
    private static String text(Message m) throws JMSException {
        if (m instanceof jakarta.jms.TextMessage t) return t.getText();
        if (m instanceof jakarta.jms.BytesMessage) return new String(m.getBody(byte[].class), java.nio.charset.StandardCharsets.UTF_8);
        return m.getBody(String.class);
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
}
