package dev.herald.support;

import static org.awaitility.Awaitility.await;

import dev.herald.Herald;
import dev.herald.broker.EmbeddedBroker;
import dev.herald.channel.WebhookSigner;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Herald as its users run it, inside the test JVM: embedded Artemis on a free port with its
 * journal in a temporary folder, the real routes/ and a subscriptions file written by the test.
 */
public final class TestHerald implements AutoCloseable {

    public final Path dir;
    public final String secret = WebhookSigner.newSecret();
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final Map<String, Object> beans = new LinkedHashMap<>();
    private Herald herald;
    private ActiveMQConnectionFactory client;
    private ActiveMQConnectionFactory asHerald;

    private TestHerald(Path dir) {
        this.dir = dir;
    }

    /**
     * @param subscriptions the subscriptions file; {@code SECRET_FILE} in it is replaced by a file
     *                      holding {@link #secret}
     */
    public static TestHerald start(String subscriptions, Map<String, String> settings) throws Exception {
        return start(subscriptions, settings, Map.of());
    }

    /** @param beans put in Herald's registry before it starts (an OpenTelemetry with an in-memory exporter, say) */
    public static TestHerald start(String subscriptions, Map<String, String> settings, Map<String, Object> beans) throws Exception {
        TestHerald t = new TestHerald(Files.createTempDirectory("herald-test"));
        t.beans.putAll(beans);
        Files.writeString(t.dir.resolve("secret"), t.secret);
        Files.writeString(t.dir.resolve("subscriptions.yaml"),
                subscriptions.replace("SECRET_FILE", t.dir.resolve("secret").toString()));
        t.overrides.put("herald.data.dir", t.dir.resolve("data").toString());
        t.overrides.put("herald.broker.port", Integer.toString(freePort()));
        t.overrides.put("herald.http.port", Integer.toString(freePort()));
        t.overrides.put("herald.management.port", Integer.toString(freePort()));
        t.overrides.put("herald.store.url", "jdbc:h2:file:" + t.dir.resolve("data/store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0");
        t.overrides.put("herald.subscriptions.file", t.dir.resolve("subscriptions.yaml").toString());
        t.overrides.put("herald.retry.jitter", "0");
        t.overrides.put("herald.dispatch.recheck-after", "1s");
        t.overrides.put("herald.deliver.timeout", "3s");
        // The tests' receivers listen on loopback, on whatever port was free.
        t.overrides.put("herald.ssrf.allow", "127.0.0.1/32");
        t.overrides.putAll(settings);
        t.startHerald();
        return t;
    }

    /**
     * A subscriptions file of webhook subscriptions to all order events, each given as
     * {@code id, url} or {@code id, url, retry schedule}, signed with {@link #secret}.
     */
    public static String webhooks(String... idUrlRetry) {
        StringBuilder yaml = new StringBuilder("subscriptions:\n");
        for (String spec : idUrlRetry) {
            String[] p = spec.split(" ", 3);
            yaml.append("  - id: ").append(p[0]).append("\n")
                    .append("    types: [\"order.*\"]\n")
                    .append("    channel: webhook\n")
                    .append("    parameters: {url: \"").append(p[1]).append("\", secretFile: SECRET_FILE}\n");
            if (p.length == 3) yaml.append("    retry: ").append(p[2]).append("\n");
        }
        return yaml.toString();
    }

    private void startHerald() throws Exception {
        herald = new Herald(overrides);
        beans.forEach(herald::bind);
        herald.start();
        if (broker() == null) {
            // An external broker: the test acts with Herald's login there.
            asHerald = new ActiveMQConnectionFactory(overrides.get("herald.broker.url"), overrides.get("herald.broker.user"),
                    overrides.get("herald.broker.password"));
            client = asHerald;
            return;
        }
        // As a legacy system: the producer login Herald made on first start.
        client = new ActiveMQConnectionFactory(brokerUrl(), "producer", producerPassword());
        var own = broker().heraldLogin();
        asHerald = new ActiveMQConnectionFactory(brokerUrl(), own.user(), own.password());
    }

    /** The settings this Herald runs with (free ports, its data directory, ...), to start another like it. */
    public Map<String, String> settings() {
        return new LinkedHashMap<>(overrides);
    }

    public String brokerUrl() {
        return "tcp://127.0.0.1:" + overrides.get("herald.broker.port");
    }

    /** The legacy producers' broker password, as Herald keeps it in its data directory. */
    public String producerPassword() throws IOException {
        return Files.readString(dir.resolve("data/broker-producer.password")).trim();
    }

    /** The operators' broker password (browse herald.rejected and herald.dead). */
    public String operatorPassword() throws IOException {
        return Files.readString(dir.resolve("data/broker-operator.password")).trim();
    }

    /** Stops everything (broker included) and starts again on the same data directory. */
    public void restart() throws Exception {
        stopHerald();
        startHerald();
    }

    /** Restarts with some settings changed (such as another catalog file). */
    public void restart(Map<String, String> changed) throws Exception {
        overrides.putAll(changed);
        restart();
    }

    /** Sends a persistent bytes message as a legacy client would. */
    public void sendBytes(String queue, byte[] body, Map<String, String> properties) throws Exception {
        try (Connection c = client.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer p = s.createProducer(s.createQueue(queue));
            jakarta.jms.BytesMessage m = s.createBytesMessage();
            m.writeBytes(body);
            for (var e : properties.entrySet()) m.setStringProperty(e.getKey(), e.getValue());
            p.send(m);
        }
    }

    public void stopHerald() {
        if (client != null) client.close();
        if (asHerald != null && asHerald != client) asHerald.close();
        if (herald != null) herald.stop();
        herald = null;
    }

    public Herald herald() {
        return herald;
    }

    public EmbeddedBroker broker() {
        return herald.context().getRegistry().lookupByNameAndType("heraldBroker", EmbeddedBroker.class);
    }

    public int brokerPort() {
        return Integer.parseInt(overrides.get("herald.broker.port"));
    }

    /** Herald's HTTP API, such as {@code http://127.0.0.1:PORT/events}. */
    public String http(String path) {
        return "http://127.0.0.1:" + overrides.get("herald.http.port") + path;
    }

    /** The management server: health and metrics. */
    public String management(String path) {
        return "http://127.0.0.1:" + overrides.get("herald.management.port") + path;
    }

    public String storeUrl() {
        return overrides.get("herald.store.url");
    }

    /** Sends a persistent text message as a legacy client would (Core JMS over TCP). */
    public void send(String queue, String text, Map<String, String> properties) throws Exception {
        send(client, queue, text, properties);
    }

    private static void send(ActiveMQConnectionFactory as, String queue, String text, Map<String, String> properties) throws Exception {
        try (Connection c = as.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer p = s.createProducer(s.createQueue(queue));
            TextMessage m = s.createTextMessage(text);
            for (var e : properties.entrySet()) m.setStringProperty(e.getKey(), e.getValue());
            p.send(m);
        }
    }

    public void send(String queue, String text) throws Exception {
        send(queue, text, Map.of());
    }

    /** Sends a persistent text message with Herald's own login (to its own queues, as Herald would). */
    public void sendAsHerald(String queue, String text, Map<String, String> properties) throws Exception {
        send(asHerald, queue, text, properties);
    }

    /** The messages waiting on a queue (any: browsed with Herald's own login), as text, with their string properties. */
    public List<Map<String, String>> browse(String queue) throws Exception {
        // An Artemis browser may end early while the broker is busy paging messages in: look again
        // until it has seen as many as the queue holds.
        if (broker() == null) return browseOnce(queue);
        return await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250)).pollDelay(Duration.ZERO)
                .until(() -> browseOnce(queue), out -> out.size() >= broker().messageCount(queue));
    }

    private List<Map<String, String>> browseOnce(String queue) throws Exception {
        List<Map<String, String>> out = new ArrayList<>();
        try (Connection c = asHerald.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            c.start();
            QueueBrowser b = s.createBrowser(s.createQueue(queue));
            for (Enumeration<?> e = b.getEnumeration(); e.hasMoreElements(); ) {
                Message m = (Message) e.nextElement();
                Map<String, String> row = new LinkedHashMap<>();
                row.put("body", m instanceof jakarta.jms.BytesMessage bytes ? "<" + bytes.getBodyLength() + " bytes>" : m.getBody(String.class));
                for (Object name : Collections.list(m.getPropertyNames())) row.put(name.toString(), String.valueOf(m.getObjectProperty(name.toString())));
                out.add(row);
            }
        }
        return out;
    }

    public List<Map<String, Object>> query(String sql, Object... args) throws Exception {
        try (var c = DriverManager.getConnection(storeUrl()); var ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) ps.setObject(i + 1, args[i]);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) row.put(md.getColumnLabel(i).toLowerCase(), rs.getObject(i));
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** A statement on the store, such as a DDL change that makes it fail for a while. */
    public void execute(String sql) throws Exception {
        try (var c = DriverManager.getConnection(storeUrl()); var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Ports this JVM has handed out: the system may offer a just-closed port again at once. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A free port, never one handed out before in this JVM: two asked for in a row (Kafka's
     * listener and controller, Herald's HTTP and management) were sometimes the same port.
     */
    public static int freePort() throws IOException {
        for (int i = 0; i < 100; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (GIVEN.add(s.getLocalPort())) return s.getLocalPort();
            }
        }
        throw new IOException("no free port that this JVM has not handed out already");
    }

    @Override
    public void close() throws IOException {
        stopHerald();
        try (var files = Files.walk(dir)) {
            files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
