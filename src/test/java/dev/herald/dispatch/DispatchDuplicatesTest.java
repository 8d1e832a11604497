package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.broker.BatchConsumer;
import dev.herald.broker.BrokerDefaults;
import dev.herald.broker.BrokerLogins;
import dev.herald.broker.EmbeddedBroker;
import dev.herald.deliver.OrderingLanes;
import dev.herald.event.EventCatalog;
import dev.herald.event.Json;
import dev.herald.store.Store;
import dev.herald.store.StoreWriter;
import dev.herald.subscription.RetrySchedule;
import dev.herald.subscription.SubscriptionLoader;
import dev.herald.subscription.SubscriptionRegistry;
import dev.herald.support.LogCapture;
import dev.herald.support.TestHerald;
import dev.herald.support.TestStores;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dispatch's de-duplication with its real parts: the embedded broker, the store (H2 and
 * PostgreSQL), the dispatch consumer; no deliver stage, so what dispatch sent stays on the queues
 * to be counted. Each way a copy is caught is made to be the only one that can catch it.
 */
class DispatchDuplicatesTest {

    private static final String SUBSCRIPTIONS = """
            subscriptions:
              - id: plain
                types: ["order.*"]
                channel: endpoint
                parameters: {uri: "log:plain"}
              - id: ordered
                types: ["order.*"]
                ordered: true
                channel: endpoint
                parameters: {uri: "log:ordered"}
            """;

    private final List<AutoCloseable> open = new ArrayList<>();
    private EmbeddedBroker broker;
    private ActiveMQConnectionFactory cf;
    private Store store;
    private Dispatcher dispatcher;

    @AfterEach
    void close() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable c : open) c.close();
    }

    /**
     * The store has not recorded the first copy (no store writer runs), and the second comes after
     * the first committed, with two other events: only the broker can refuse it. The batch is
     * refused whole, its events come back one by one, the copy is refused alone, remembered, and
     * dropped when it comes back; the others are dispatched once. The first copy's place in its
     * ordering lane is not given back with the refused copy's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aCopyTheStoreHasNotRecordedYetIsRefusedByTheBroker(String db) throws Exception {
        start(db, 100, false);
        try (LogCapture log = new LogCapture()) {
            send(event("e-1", "K1"));
            await().atMost(Duration.ofSeconds(20)).until(() -> browse(BrokerDefaults.LOG).size() == 1);
            send(event("e-1", "K1"), event("f-1", "K2"), event("g-1", "K3"));
            // Settled: the copy dropped, or (were it not caught) fanned out a second time.
            await().atMost(Duration.ofSeconds(60)).until(() -> broker.messageCount(BrokerDefaults.EVENTS) == 0
                    && (log.text().contains("Event e-1 (order.created) was already dispatched; duplicate dropped")
                        || browse(BrokerDefaults.LOG).size() > 3));
            assertThat(log.text()).contains("Event e-1 was dispatched a moment ago (the broker refused a second fan-out)");
        }
        List<Message> records = browse(BrokerDefaults.LOG);
        assertThat(records).extracting(m -> m.getStringProperty("_AMQ_DUPL_ID")).as("one dispatched record per event, marked with its id")
                .containsExactlyInAnyOrder("e-1", "f-1", "g-1");
        for (Message m : records) {
            assertThat(Json.tree(m.getBody(String.class)).path("event").path("id").asText()).isEqualTo(m.getStringProperty("_AMQ_DUPL_ID"));
        }
        List<Message> deliveries = browse(BrokerDefaults.DELIVERIES);
        assertThat(deliveries).extracting(m -> Json.tree(m.getBody(String.class)).path("eventId").asText())
                .containsExactlyInAnyOrder("e-1", "e-1", "f-1", "f-1", "g-1", "g-1");
        assertThat(deliveries).as("deliveries are not marked: their retries and replays must never be taken for copies")
                .allSatisfy(m -> assertThat(m.getStringProperty("_AMQ_DUPL_ID")).isNull());
        assertThat(laneDeliveries()).as("e-1's place stays: the refused copy kept it, and did not give it back")
                .containsExactlyInAnyOrder(deliveryId("e-1"), deliveryId("f-1"), deliveryId("g-1"));
    }

    /**
     * The broker remembers only the last two ids, and three more events have gone through since the
     * first copy: only the store, which has recorded it, can catch the second.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aCopyTheBrokerHasForgottenIsCaughtByTheStore(String db) throws Exception {
        start(db, 2, true);
        try (LogCapture log = new LogCapture()) {
            send(event("e-1", null));
            for (int i = 1; i <= 3; i++) send(event("a-" + i, null));
            await().atMost(Duration.ofSeconds(20)).until(() -> count("select count(*) from events") == 4);
            send(event("e-1", null));
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.messageCount(BrokerDefaults.EVENTS) == 0
                    && (log.text().contains("Event e-1 (order.created) was already dispatched; duplicate dropped")
                        || browse(BrokerDefaults.DELIVERIES).size() > 8));
            assertThat(log.text()).doesNotContain("refused a second fan-out");
        }
        assertThat(browse(BrokerDefaults.DELIVERIES)).extracting(m -> Json.tree(m.getBody(String.class)).path("eventId").asText())
                .filteredOn("e-1"::equals).hasSize(2);
    }

    /**
     * Two batches with the same event at the same moment — on PostgreSQL in two "instances" (each its
     * own store and dispatcher), elsewhere in one: the second holds off until the first is over, and
     * the broker could not have stopped it (DuplicateDetectionTest: an id is known only once its
     * transaction committed).
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aCopyBeingDispatchedRightNowIsLookedAtAgainLater(String db) throws Exception {
        start(db, 100, false);
        Dispatcher other = dispatcher;
        if (db.equals("postgresql")) {
            Store second = new Store(((com.zaxxer.hikari.HikariDataSource) store.dataSource()).getJdbcUrl(), null, null, 2);
            open.add(second);
            other = new Dispatcher(registry(second), second, new OrderingLanes(second.dataSource()), 5_000);
        }
        BatchConsumer.Undo first = new BatchConsumer.Undo();
        assertThat(dispatcher.dispatch(List.of(event("e-1", "K1"), event("f-1", null)), 1_000, first))
                .allMatch(d -> d instanceof Dispatcher.Decision.Fanout);

        BatchConsumer.Undo second = new BatchConsumer.Undo();
        assertThat(other.dispatch(List.of(event("g-1", null), event("e-1", "K1")), 1_100, second))
                .as("g-1 goes, e-1 is looked at again after recheck-after").satisfies(ds -> {
                    assertThat(ds.get(0)).isInstanceOf(Dispatcher.Decision.Fanout.class);
                    assertThat(ds.get(1)).isEqualTo(new Dispatcher.Decision.Busy(6_100));
                });
        second.committed();

        first.rolledBack();
        BatchConsumer.Undo third = new BatchConsumer.Undo();
        assertThat(other.dispatch(List.of(event("e-1", "K1")), 1_200, third)).as("the first batch is over: e-1 is free")
                .singleElement().isInstanceOf(Dispatcher.Decision.Fanout.class);
        third.committed();
        assertThat(laneDeliveries()).as("the rolled-back batch gave its place back; the third took one")
                .containsExactly(deliveryId("e-1"));
    }

    private void start(String db, int idCacheSize, boolean storeWriter) throws Exception {
        Path dir = Files.createTempDirectory("herald-dispatch-dupl");
        BrokerLogins logins = new BrokerLogins(new BrokerLogins.Login("herald", BrokerLogins.newPassword(), "test"),
                new BrokerLogins.Login("producer", BrokerLogins.newPassword(), "test"),
                new BrokerLogins.Login("operator", BrokerLogins.newPassword(), "test"));
        broker = new EmbeddedBroker(dir, new EmbeddedBroker.Listener("127.0.0.1", TestHerald.freePort(), null), 200_000, logins,
                List.of("legacy.#"), idCacheSize);
        broker.start();
        open.add(broker::stop);
        cf = new ActiveMQConnectionFactory(broker.vmUrl(), "herald", logins.herald().password());
        open.add(cf);
        store = TestStores.open(db);
        open.add(store);
        Files.writeString(dir.resolve("subscriptions.yaml"), SUBSCRIPTIONS);
        subscriptionsFile = dir.resolve("subscriptions.yaml");
        dispatcher = new Dispatcher(registry(store), store, new OrderingLanes(store.dataSource()), 5_000);
        DispatchConsumer consumer = new DispatchConsumer(cf, dispatcher, 1, 100);
        consumer.start();
        open.add(consumer::stop);
        if (storeWriter) {
            StoreWriter writer = new StoreWriter(cf, store, 500, 50, 1, heads -> { });
            writer.start();
            open.add(writer::stop);
        }
    }

    private Path subscriptionsFile;

    private SubscriptionRegistry registry(Store s) throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.start();
        open.add(camel);
        SubscriptionRegistry registry = new SubscriptionRegistry(subscriptionsFile,
                new SubscriptionLoader(camel::resolvePropertyPlaceholders, RetrySchedule.parse("0s", 0)), s, EventCatalog.empty());
        registry.load();
        return registry;
    }

    private static String event(String id, String orderingKey) {
        return "{\"specversion\": \"1.0\", \"id\": \"" + id + "\", \"source\": \"urn:test\", \"type\": \"order.created\""
                + (orderingKey == null ? "" : ", \"orderingkey\": \"" + orderingKey + "\"") + ", \"data\": {}}";
    }

    private static String deliveryId(String eventId) {
        return dev.herald.deliver.Delivery.idFor(eventId, "ordered");
    }

    /** In one transaction, with the ordering key as the message group, as accept sends them. */
    private void send(String... events) throws Exception {
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer p = s.createProducer(s.createQueue(BrokerDefaults.EVENTS));
            for (String e : events) {
                Message m = s.createTextMessage(e);
                String key = Json.tree(e).path("orderingkey").asText(null);
                if (key != null) m.setStringProperty("JMSXGroupID", key);
                p.send(m);
            }
            s.commit();
        }
    }

    private List<Message> browse(String queue) throws Exception {
        List<Message> out = new ArrayList<>();
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            try (QueueBrowser b = s.createBrowser(s.createQueue(queue))) {
                var e = b.getEnumeration();
                while (e.hasMoreElements()) {
                    Message m = (Message) e.nextElement();
                    m.getBody(String.class); // read while the session is open
                    out.add(m);
                }
            }
        }
        return out;
    }

    private long count(String sql) throws Exception {
        try (var c = store.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> laneDeliveries() throws Exception {
        List<String> out = new ArrayList<>();
        try (var c = store.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery("select delivery_id from lane_deliveries")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
