package dev.herald.deliver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import dev.herald.store.Store;
import dev.herald.support.TestStores;

/** Lane semantics, identical on H2 and PostgreSQL. */
class OrderingLanesTest {

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void onlyTheHeadGoesAndFinishingWakesTheNext(String db) throws Exception {
        try (Store store = TestStores.open(db)) {
            OrderingLanes lanes = new OrderingLanes(store.dataSource());
            assertThat(lanes.enter("s", "A", "a1")).isEqualTo(1);
            assertThat(lanes.enter("s", "A", "a2")).isEqualTo(2);
            assertThat(lanes.enter("s", "A", "a1")).as("a redelivered dispatch keeps its place").isEqualTo(1);
            assertThat(lanes.join("s", "A", "a1")).as("and says it kept it").isEqualTo(new OrderingLanes.Place(1, false));
            assertThat(lanes.enter("s", "B", "b1")).as("lanes are per key").isEqualTo(1);
            assertThat(lanes.join("t", "A", "t1")).as("and per subscription").isEqualTo(new OrderingLanes.Place(1, true));

            assertThat(lanes.turn("s", "A", "a2", "body-a2", 100)).as("a2 arrived first: parked").isFalse();
            assertThat(lanes.turn("s", "B", "b1", "body-b1", 100)).as("another key is not held").isTrue();
            assertThat(lanes.turn("s", "A", "a1", "body-a1", 100)).isTrue();
            assertThat(lanes.turn("s", "A", "a1", "body-a1", 200)).as("a retry of the head").isTrue();
            assertThat(lanes.leave("s", "A", "a1", 300)).contains("body-a2");
            assertThat(lanes.turn("s", "A", "a2", "body-a2", 300)).as("woken: now the head").isTrue();
            assertThat(lanes.leave("s", "A", "a2", 400)).isEmpty();
            assertThat(order(store)).isEmpty();
            assertThat(lanes.turn("s", "A", "old", "body", 500)).as("not in a lane: goes").isTrue();
            assertThat(lanes.leave("s", "A", "old", 500)).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aParkedHeadNobodyWokeIsFoundBySweeping(String db) throws Exception {
        try (Store store = TestStores.open(db)) {
            OrderingLanes lanes = new OrderingLanes(store.dataSource());
            lanes.enter("s", "A", "a1");
            lanes.enter("s", "A", "a2");
            lanes.enter("s", "A", "a3");
            assertThat(lanes.turn("s", "A", "a2", "body-a2", 1_000)).isFalse();
            assertThat(lanes.turn("s", "A", "a3", "body-a3", 1_000)).isFalse();
            assertThat(lanes.strandedHeads(500, 2_000)).as("a2 waits for a1, which is live").isEmpty();
            // a1's process finished it in the store and died before its broker commit carried the wake.
            assertThat(lanes.leave("s", "A", "a1", 1_500)).contains("body-a2");
            assertThat(lanes.strandedHeads(5_000, 2_000)).as("not yet stranded for long enough").isEmpty();
            assertThat(lanes.strandedHeads(500, 7_000)).containsExactly("body-a2");
            assertThat(lanes.strandedHeads(500, 7_100)).as("just woken: not twice in a row").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void concurrentEntriesGetDistinctPlaces(String db) throws Exception {
        try (Store store = TestStores.open(db)) {
            OrderingLanes lanes = new OrderingLanes(store.dataSource());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Long>> seqs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String id = "d" + i;
                seqs.add(pool.submit(() -> lanes.enter("s", "A", id)));
            }
            List<Long> got = new ArrayList<>();
            for (Future<Long> f : seqs) got.add(f.get());
            pool.shutdown();
            assertThat(got).doesNotHaveDuplicates().hasSize(40);
            // Draining from the head, each leave hands over to exactly the next.
            List<String> order = order(store);
            assertThat(order).hasSize(40);
            for (int i = 1; i < order.size(); i++) {
                assertThat(lanes.turn("s", "A", order.get(i), "body-" + order.get(i), 1)).as("behind the head: parked").isFalse();
            }
            for (int i = 0; i < order.size() - 1; i++) {
                Optional<String> next = lanes.leave("s", "A", order.get(i), 2);
                assertThat(next).contains("body-" + order.get(i + 1));
            }
            assertThat(lanes.leave("s", "A", order.get(39), 2)).as("the last one wakes no one").isEmpty();
            assertThat(order(store)).as("the lane is empty").isEmpty();
        }
    }

    /** Lane s/A's deliveries, head first. */
    private static List<String> order(Store store) throws Exception {
        List<String> out = new ArrayList<>();
        try (var c = store.dataSource().getConnection(); var q = c.prepareStatement(
                "select delivery_id from lane_deliveries where subscription_id = 's' and ordering_key = 'A' order by seq");
             var rs = q.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }
}
