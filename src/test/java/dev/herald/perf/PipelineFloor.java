package dev.herald.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.flywaydb.core.Flyway;

/**
 * Herald's durable work per event, hand-written and batched: the floor for the whole pipeline, where
 * {@link BatchedFloor} is the floor for a bare hand-off. Per event it does what Herald's path from
 * a JMS source does with one matching subscription, and nothing Herald's features add on top
 * (routes, schemas, circuits, rate limits, ordering, retries):
 *
 * <ol>
 *   <li><b>accept and dispatch</b> ({@code threads} threads, up to {@code batch} source messages per
 *       transaction): parse the order, make the CloudEvent, look for copies in {@code events} (one
 *       query per batch), send the delivery and the event's log record (with {@code _AMQ_DUPL_ID},
 *       as Herald's {@code dispatched} record) — all in the source's transaction;</li>
 *   <li><b>deliver</b> ({@code threads} threads, up to {@code batch} per transaction): sign and POST
 *       them all at once (HttpClient 5 async), send an attempt record per answer, commit once every
 *       answer was 2xx;</li>
 *   <li><b>the log</b> (one thread, up to 500 records per transaction, or what came within 50 ms of
 *       the first, as Herald's store writer): insert the events, deliveries
 *       and attempts and update the deliveries in Herald's own schema (its Flyway migrations, on an
 *       H2 file with {@code WRITE_DELAY=0} as Herald's), then commit the records' receipt.</li>
 * </ol>
 *
 * Three persistent messages and four store rows per event, as Herald: what that costs on this
 * machine when nothing else is done is the floor under Herald's pipeline.
 */
final class PipelineFloor implements AutoCloseable {

    static final String SUBSCRIPTION = "perf";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** As Herald's store writer: up to 500 records per store transaction, or what came within 50 ms. */
    private static final int LOG_BATCH = 500;
    private static final long LOG_LINGER_MILLIS = 50;

    private final List<Thread> threads = new ArrayList<>();
    private final ActiveMQConnectionFactory cf;
    private final AsyncPoster http;
    private final String in;
    private final String deliveries;
    private final String log;
    private final String target;
    private final String db;
    private final int batch;
    private volatile boolean running = true;

    /**
     * @param queue   the source queue; its deliveries and log records go to {@code queue.deliveries} and {@code queue.log}
     * @param dbDir   where its H2 file goes
     * @param threads threads for accept-and-dispatch, and as many for deliver
     */
    PipelineFloor(String brokerUrl, String queue, String target, Path dbDir, int threads, int batch, int connections) {
        this.cf = new ActiveMQConnectionFactory(brokerUrl);
        this.http = new AsyncPoster(connections);
        this.in = queue;
        this.deliveries = queue + ".deliveries";
        this.log = queue + ".log";
        this.target = target;
        this.batch = batch;
        this.db = "jdbc:h2:file:" + dbDir.resolve("pipeline-floor") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0";
        Flyway.configure().dataSource(db, "", "").locations("classpath:db/migration").load().migrate();
        for (int t = 0; t < threads; t++) {
            start("pipeline-accept-" + t, this::accept);
            start("pipeline-deliver-" + t, this::deliver);
        }
        start("pipeline-log", this::writeLog);
    }

    /** Messages waiting in its log queue: how far the store lags behind the deliveries. */
    String logQueue() {
        return log;
    }

    private interface Stage {
        void run(Session s) throws Exception;
    }

    private void start(String name, Stage stage) {
        Thread th = new Thread(() -> {
            try (Connection c = cf.createConnection(); Session s = c.createSession(true, Session.SESSION_TRANSACTED)) {
                c.start();
                stage.run(s);
            } catch (Exception e) {
                if (running) throw new IllegalStateException(name, e);
            }
        }, name);
        th.setDaemon(true);
        th.start();
        threads.add(th);
    }

    /**
     * Up to {@code most} messages: the first waited for (briefly), the rest if they come within
     * {@code lingerMillis} of it (0: only those already there).
     */
    private static List<Message> take(MessageConsumer consumer, int most, long lingerMillis) throws Exception {
        List<Message> taken = new ArrayList<>();
        Message m = consumer.receive(200);
        long until = System.currentTimeMillis() + lingerMillis;
        while (m != null) {
            taken.add(m);
            long left = until - System.currentTimeMillis();
            m = taken.size() >= most ? null : left > 0 ? consumer.receive(left) : consumer.receiveNoWait();
        }
        return taken;
    }

    private void accept(Session s) throws Exception {
        MessageConsumer consumer = s.createConsumer(s.createQueue(in));
        MessageProducer toDeliver = persistent(s, deliveries);
        MessageProducer toLog = persistent(s, log);
        try (java.sql.Connection store = DriverManager.getConnection(db, "", "")) {
            while (running) {
                List<Message> taken = take(consumer, batch, 0);
                if (taken.isEmpty()) continue;
                List<ObjectNode> events = new ArrayList<>(taken.size());
                for (Message m : taken) events.add(event(m));
                Set<String> seen = copies(store, events);
                long now = System.currentTimeMillis();
                for (ObjectNode e : events) {
                    String id = e.get("id").asText();
                    if (seen.contains(id) || !"created".equals(e.path("data").path("status").asText())) continue;
                    String deliveryId = "msg_" + UUID.nameUUIDFromBytes((id + "/" + SUBSCRIPTION).getBytes(StandardCharsets.UTF_8));
                    byte[] body = JSON.writeValueAsBytes(e);
                    BytesMessage d = s.createBytesMessage();
                    d.writeBytes(body);
                    d.setStringProperty("deliveryId", deliveryId);
                    d.setStringProperty("eventId", id);
                    toDeliver.send(d);
                    ObjectNode record = JSON.createObjectNode().put("kind", "dispatched").put("deliveryId", deliveryId).put("at", now);
                    record.set("event", e);
                    Message r = s.createTextMessage(JSON.writeValueAsString(record));
                    r.setStringProperty("_AMQ_DUPL_ID", "dispatched:" + id);
                    toLog.send(r);
                }
                s.commit();
            }
        }
    }

    /** The canonical event of an order, its id derived from the JMS message id as Herald's is. */
    private static ObjectNode event(Message m) throws Exception {
        JsonNode order = JSON.readTree(m.getBody(String.class));
        ObjectNode e = JSON.createObjectNode()
                .put("specversion", "1.0")
                .put("id", UUID.nameUUIDFromBytes(m.getJMSMessageID().getBytes(StandardCharsets.UTF_8)).toString())
                .put("source", "urn:legacy:shop-orders")
                .put("type", "order." + order.path("status").asText())
                .put("subject", order.path("orderId").asText())
                .put("time", Instant.now().toString())
                .put("datacontenttype", "application/json");
        e.set("data", order);
        return e;
    }

    /** The ids among {@code events} the store already has: one query for the batch. */
    private static Set<String> copies(java.sql.Connection store, List<ObjectNode> events) throws Exception {
        String marks = String.join(",", java.util.Collections.nCopies(events.size(), "?"));
        Set<String> seen = new HashSet<>();
        try (PreparedStatement ps = store.prepareStatement("select id from events where id in (" + marks + ")")) {
            for (int i = 0; i < events.size(); i++) ps.setString(i + 1, events.get(i).get("id").asText());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) seen.add(rs.getString(1));
            }
        }
        return seen;
    }

    private void deliver(Session s) throws Exception {
        MessageConsumer consumer = s.createConsumer(s.createQueue(deliveries));
        MessageProducer toLog = persistent(s, log);
        List<CompletableFuture<Integer>> answers = new ArrayList<>(batch);
        while (running) {
            List<Message> taken = take(consumer, batch, 0);
            if (taken.isEmpty()) continue;
            answers.clear();
            long started = System.currentTimeMillis();
            for (Message m : taken) answers.add(http.post(target, m.getStringProperty("deliveryId"), m.getBody(byte[].class)));
            boolean ok = true;
            for (int i = 0; i < taken.size(); i++) {
                int status;
                try {
                    status = answers.get(i).get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    status = 0;
                }
                ok &= status / 100 == 2;
                Message m = taken.get(i);
                toLog.send(s.createTextMessage(JSON.createObjectNode().put("kind", "attempt")
                        .put("deliveryId", m.getStringProperty("deliveryId")).put("eventId", m.getStringProperty("eventId"))
                        .put("startedAt", started).put("latencyMs", System.currentTimeMillis() - started).put("status", status)
                        .toString()));
            }
            if (ok) s.commit(); else s.rollback();
        }
    }

    private void writeLog(Session s) throws Exception {
        MessageConsumer consumer = s.createConsumer(s.createQueue(log));
        try (java.sql.Connection store = DriverManager.getConnection(db, "", "")) {
            store.setAutoCommit(false);
            while (running) {
                List<Message> taken = take(consumer, LOG_BATCH, LOG_LINGER_MILLIS);
                if (taken.isEmpty()) continue;
                List<JsonNode> records = new ArrayList<>(taken.size());
                for (Message m : taken) records.add(JSON.readTree(m.getBody(String.class)));
                write(store, records);
                store.commit();
                s.commit();
            }
        }
    }

    /** The statements Herald's store writer makes for the same records, batched the same way. */
    private static void write(java.sql.Connection c, List<JsonNode> records) throws Exception {
        try (PreparedStatement events = c.prepareStatement("insert into events (id, type, source, subject, event_time, received_at,"
                + " payload) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing");
             PreparedStatement deliveries = c.prepareStatement("insert into deliveries (id, event_id, subscription_id, status,"
                     + " attempts, created_at, updated_at) values (?, ?, ?, 'pending', 0, ?, ?) on conflict do nothing");
             PreparedStatement attempts = c.prepareStatement("insert into attempts (id, delivery_id, attempt, started_at, latency_ms,"
                     + " status_code, outcome) values (?, ?, 1, ?, ?, ?, ?) on conflict do nothing");
             PreparedStatement updates = c.prepareStatement("update deliveries set status = ?, attempts = 1, last_status_code = ?,"
                     + " updated_at = ? where id = ? and attempts <= 1")) {
            for (JsonNode r : records) {
                boolean dispatched = r.get("kind").asText().equals("dispatched");
                JsonNode e = r.path("event");
                String eventId = dispatched ? e.get("id").asText() : r.get("eventId").asText();
                Timestamp at = new Timestamp(r.path(dispatched ? "at" : "startedAt").asLong());
                if (dispatched) {
                    events.setString(1, eventId);
                    events.setString(2, e.path("type").asText());
                    events.setString(3, e.path("source").asText());
                    events.setString(4, e.path("subject").asText(null));
                    events.setString(5, e.path("time").asText(null));
                    events.setTimestamp(6, at);
                    events.setString(7, e.toString());
                    events.addBatch();
                }
                deliveries.setString(1, r.get("deliveryId").asText());
                deliveries.setString(2, eventId);
                deliveries.setString(3, SUBSCRIPTION);
                deliveries.setTimestamp(4, at);
                deliveries.setTimestamp(5, at);
                deliveries.addBatch();
                if (!dispatched) {
                    String outcome = r.get("status").asInt() / 100 == 2 ? "delivered" : "failed";
                    attempts.setString(1, UUID.randomUUID().toString());
                    attempts.setString(2, r.get("deliveryId").asText());
                    attempts.setTimestamp(3, at);
                    attempts.setInt(4, r.get("latencyMs").asInt());
                    attempts.setInt(5, r.get("status").asInt());
                    attempts.setString(6, outcome);
                    attempts.addBatch();
                    updates.setString(1, outcome);
                    updates.setInt(2, r.get("status").asInt());
                    updates.setTimestamp(3, at);
                    updates.setString(4, r.get("deliveryId").asText());
                    updates.addBatch();
                }
            }
            events.executeBatch();
            deliveries.executeBatch();
            attempts.executeBatch();
            updates.executeBatch();
        }
    }

    private static MessageProducer persistent(Session s, String queue) throws Exception {
        MessageProducer p = s.createProducer(s.createQueue(queue));
        p.setDeliveryMode(DeliveryMode.PERSISTENT);
        return p;
    }

    @Override
    public void close() throws Exception {
        running = false;
        for (Thread t : threads) t.join(5000);
        http.close();
        cf.close();
    }
}
