package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.event.Json;
import dev.herald.support.TestStores;
import java.nio.file.Files;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The store's semantics, identical on H2 (the default) and PostgreSQL (production). */
class StoreTest {

    static Store open(String db) throws Exception {
        return TestStores.open(db);
    }

    /** Every start says the schema version, not only the first (Flyway's own result says null when nothing ran). */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void everyStartSaysTheSchemaVersion(String db) throws Exception {
        try (Store store = open(db); dev.herald.support.LogCapture log = new dev.herald.support.LogCapture()) {
            store.migrate();
            assertThat(log.text()).containsPattern("schema version \\d+\\)").doesNotContain("version null");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void dispatchedAreTheEventsTheStoreRecorded(String db) throws Exception {
        try (Store store = open(db)) {
            new StoreBatch(List.of(dispatched("e1", "d1"), dispatched("e2", "d2"))).write(store.dataSource());
            assertThat(store.dispatched(List.of("e3", "e1", "e2", "e1"))).containsExactlyInAnyOrder("e1", "e2");
            assertThat(store.dispatched(List.of())).isEmpty();
            // More ids than one query takes.
            List<String> many = new ArrayList<>();
            for (int i = 0; i < 1_200; i++) many.add("x" + i);
            many.add(700, "e2");
            assertThat(store.dispatched(many)).containsExactly("e2");
        }
    }

    /**
     * Two holders of event locks: on PostgreSQL two stores (as two instances, on their own
     * connections), elsewhere one store's batches. Nobody waits; what is held is not taken twice.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void eventLocksAreHeldByOneBatchAtATime(String db) throws Exception {
        try (Store store = open(db); Store other = db.equals("postgresql") ? new Store(((com.zaxxer.hikari.HikariDataSource) store.dataSource()).getJdbcUrl(), null, null, 2) : null) {
            Store second = other == null ? store : other;
            Store.EventLocks a = store.lockEvents(List.of("x", "y"));
            assertThat(a.taken()).containsExactlyInAnyOrder("x", "y");
            Store.EventLocks b = second.lockEvents(List.of("y", "z", "z"));
            assertThat(b.taken()).as("y is held by the first").containsExactly("z");
            a.release();
            Store.EventLocks c = second.lockEvents(List.of("x", "y"));
            assertThat(c.taken()).as("let go").containsExactlyInAnyOrder("x", "y");
            assertThat(store.lockEvents(List.of("x", "z")).taken()).as("still held by the others").isEmpty();
            b.release();
            c.release();
            Store.EventLocks d = store.lockEvents(List.of("x", "y", "z"));
            assertThat(d.taken()).containsExactlyInAnyOrder("x", "y", "z");
            d.release();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void batchesAreIdempotentAndOrderIndependent(String db) throws Exception {
        try (Store store = open(db)) {
            LogRecord.Attempt a1 = attempt("d1", 1, 500, "retrying");
            LogRecord.Attempt a2 = attempt("d1", 2, 200, "succeeded");
            // Out of order: the second attempt arrives before the first and the dispatch record...
            new StoreBatch(List.of(a2)).write(store.dataSource());
            new StoreBatch(List.of(a1, dispatched("e1", "d1"))).write(store.dataSource());
            // ...and a replayed batch changes nothing.
            new StoreBatch(List.of(a1, dispatched("e1", "d1"), a2)).write(store.dataSource());

            assertThat(rows(store, "select status, attempts, last_status_code from deliveries"))
                    .containsExactly(Map.of("status", "succeeded", "attempts", 2, "last_status_code", 200));
            assertThat(rows(store, "select attempt, status_code from attempts order by attempt"))
                    .containsExactly(Map.of("attempt", 1, "status_code", 500), Map.of("attempt", 2, "status_code", 200));
            assertThat(rows(store, "select count(*) as n from events")).singleElement()
                    .satisfies(r -> assertThat(((Number) r.get("n")).intValue()).isEqualTo(1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void deadLettersAndSubscriptionStateAreKept(String db) throws Exception {
        try (Store store = open(db)) {
            new StoreBatch(List.of(new LogRecord.Dead("d9", "e9", "s1", "gave up", 5_000, Json.tree("{\"id\":\"d9\"}"))))
                    .write(store.dataSource());
            new StoreBatch(List.of(new LogRecord.Dead("d9", "e9", "s1", "gave up again", 6_000, Json.tree("{\"id\":\"d9\"}"))))
                    .write(store.dataSource());
            assertThat(rows(store, "select reason from dead_letters")).containsExactly(Map.of("reason", "gave up again"));

            store.setSubscriptionEnabled("s1", false, "HTTP 410");
            assertThat(store.disabledSubscriptions()).containsExactly(Map.entry("s1", "HTTP 410"));
            store.setSubscriptionEnabled("s1", true, null);
            assertThat(store.disabledSubscriptions()).isEmpty();
            assertThat(store.reachable()).isTrue();
        }
    }

    static LogRecord.Dispatched dispatched(String eventId, String deliveryId) {
        return new LogRecord.Dispatched(Json.tree("{\"id\":\"" + eventId + "\",\"type\":\"t.x\",\"source\":\"urn:s\"}"), 1_000,
                List.of(new LogRecord.Target(deliveryId, "s1")));
    }

    static LogRecord.Attempt attempt(String deliveryId, int n, int status, String outcome) {
        return new LogRecord.Attempt(deliveryId + "-" + n, deliveryId, "e1", "s1", n, 2_000L + n, 12, status, "{}", null, outcome, null, "test@host");
    }

    static List<Map<String, Object>> rows(Store store, String sql) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (var c = store.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(), rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
