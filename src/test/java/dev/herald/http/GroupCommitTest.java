package dev.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.broker.BrokerLogins;
import dev.herald.broker.EmbeddedBroker;
import dev.herald.broker.Publisher;
import dev.herald.support.TestHerald;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The group committer against a real (embedded) broker, as a legacy producer that may send to
 * legacy.# only: requests that wait together are committed together, and a request the broker
 * refuses fails alone while the others of its group are committed once each.
 */
class GroupCommitTest {

    static Path dir;
    static EmbeddedBroker broker;
    static ActiveMQConnectionFactory producer;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("herald-group-commit");
        BrokerLogins logins = new BrokerLogins(new BrokerLogins.Login("herald", BrokerLogins.newPassword(), "test"),
                new BrokerLogins.Login("producer", BrokerLogins.newPassword(), "test"),
                new BrokerLogins.Login("operator", BrokerLogins.newPassword(), "test"));
        broker = new EmbeddedBroker(dir, new EmbeddedBroker.Listener("127.0.0.1", TestHerald.freePort(), null), 200_000, logins,
                List.of("legacy.#"), 1000);
        broker.start();
        producer = new ActiveMQConnectionFactory(broker.vmUrl(), "producer", logins.producer().password());
    }

    @AfterAll
    static void stop() throws Exception {
        if (producer != null) producer.close();
        if (broker != null) broker.stop();
        try (var files = Files.walk(dir)) {
            files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Each request sends one message to its queue, from its own thread; they queue up before the committer starts. */
    static List<CompletableFuture<Void>> sendTogether(GroupCommit commits, List<String> queues) {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < queues.size(); i++) {
            Publisher.Outgoing m = new Publisher.Outgoing(queues.get(i), "request-" + i);
            done.add(CompletableFuture.runAsync(() -> {
                try {
                    commits.send(List.of(m));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, r -> new Thread(r).start()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> commits.waiting() == queues.size());
        return done;
    }

    @Test
    void requestsThatWaitTogetherAreCommittedInOneTransaction() throws Exception {
        AtomicInteger count = new AtomicInteger();
        GroupCommit commits = new GroupCommit(new Publisher(producer), 1000, count::incrementAndGet);
        List<CompletableFuture<Void>> done = sendTogether(commits, Collections.nCopies(8, "legacy.together"));
        commits.start();
        try {
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(count).as("commits for 8 requests").hasValue(1);
            assertThat(broker.messageCount("legacy.together")).isEqualTo(8);

            // Alone, a request is its own group, committed at once.
            commits.send(List.of(new Publisher.Outgoing("legacy.together", "alone")));
            assertThat(count).hasValue(2);
            assertThat(broker.messageCount("legacy.together")).isEqualTo(9);
        } finally {
            commits.stop();
        }
    }

    @Test
    void aRequestTheBrokerRefusesFailsAloneAndTheRestOfItsGroupIsCommittedOnce() throws Exception {
        AtomicInteger count = new AtomicInteger();
        GroupCommit commits = new GroupCommit(new Publisher(producer), 1000, count::incrementAndGet);
        // The third request sends where a legacy producer may not: the broker refuses it, and with it the group's transaction.
        List<String> queues = List.of("legacy.group", "legacy.group", "herald.not-yours", "legacy.group", "legacy.group");
        List<CompletableFuture<Void>> done = sendTogether(commits, queues);
        commits.start();
        try {
            for (int i = 0; i < done.size(); i++) {
                CompletableFuture<Void> f = done.get(i);
                if (i == 2) {
                    assertThat(f).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(ExecutionException.class)
                            .satisfies(e -> assertThat(e).hasStackTraceContaining("herald.not-yours"));
                } else {
                    assertThat(f).as("request " + i).succeedsWithin(Duration.ofSeconds(30));
                }
            }
            // Once each: the failed group's transaction was rolled back, then each good request committed on its own.
            assertThat(broker.messageCount("legacy.group")).isEqualTo(4);
            assertThat(count).as("successful commits, one per good request").hasValue(4);
        } finally {
            commits.stop();
        }
    }

    /** A request with a group's worth of messages (a batch) commits on its own thread: it does not wait for the committer. */
    @Test
    void aRequestAsLargeAsAGroupCommitsByItself() throws Exception {
        AtomicInteger count = new AtomicInteger();
        GroupCommit commits = new GroupCommit(new Publisher(producer), 4, count::incrementAndGet);
        // Not started: a request that went through the committer would wait here.
        commits.send(Collections.nCopies(4, new Publisher.Outgoing("legacy.large", "one of four")));
        assertThat(count).hasValue(1);
        assertThat(broker.messageCount("legacy.large")).isEqualTo(4);
        assertThat(commits.waiting()).isZero();
    }

    @Test
    void aStoppedCommitterRefusesAtOnce() throws Exception {
        GroupCommit commits = new GroupCommit(new Publisher(producer), 1000, () -> {});
        commits.start();
        commits.stop();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> commits.send(List.of(new Publisher.Outgoing("legacy.stopped", "x"))))
                .hasMessageContaining("stopping");
        assertThat(broker.messageCount("legacy.stopped")).isZero();
    }
}
