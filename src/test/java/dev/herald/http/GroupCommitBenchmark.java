package dev.herald.http;

import dev.herald.broker.BrokerLogins;
import dev.herald.broker.EmbeddedBroker;
import dev.herald.broker.Publisher;
import dev.herald.support.TestHerald;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The commit strategy of {@code POST /events} alone (bench/group-commit.sh): T threads, each a
 * request that sends one 1 KB persistent message and waits until it is committed, against the
 * embedded broker with Herald's journal settings and Herald's pooled connections — committed by
 * each request itself (as before) or by the {@link GroupCommit}. Nothing else runs: no HTTP, no
 * accept, no dispatch (a consumer drains the queue in batches so it stays short, the same for both).
 * The two take turns, in a different order each round, after a warm-up round that is not counted;
 * each round prints both rates and their ratio.
 *
 * <p>Usage: {@code GroupCommitBenchmark [threads=16] [seconds=5] [rounds=5]}. Not a test.
 */
public final class GroupCommitBenchmark {

    private static final String QUEUE = "bench.ingest";

    interface Strategy {
        void send(List<Publisher.Outgoing> messages) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Path dir = Files.createTempDirectory("herald-group-commit-bench");
        BrokerLogins logins = new BrokerLogins(new BrokerLogins.Login("herald", BrokerLogins.newPassword(), "bench"),
                new BrokerLogins.Login("producer", BrokerLogins.newPassword(), "bench"),
                new BrokerLogins.Login("operator", BrokerLogins.newPassword(), "bench"));
        // Herald's default journal-buffer-timeout (200 µs).
        EmbeddedBroker broker = new EmbeddedBroker(dir, new EmbeddedBroker.Listener("127.0.0.1", TestHerald.freePort(), null), 200_000,
                logins, List.of("legacy.#"), 1000);
        broker.start();
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(broker.vmUrl(), "herald", logins.herald().password());
        artemis.setCacheDestinations(true);
        pool.setConnectionFactory(artemis);
        pool.setMaxConnections(8);
        Publisher publisher = new Publisher(pool);
        AtomicLong groupCommits = new AtomicLong();
        GroupCommit group = new GroupCommit(publisher, 100, groupCommits::incrementAndGet);
        group.start();
        AtomicBoolean draining = new AtomicBoolean(true);
        Thread drain = drainer(artemis, draining);
        System.out.printf("group commit: %d cores, %d threads each committing one 1 KB message per request, %d s per measurement%n",
                Runtime.getRuntime().availableProcessors(), threads, seconds);
        try {
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) {
                boolean groupFirst = round % 2 == 1;
                double[] r = new double[2];
                long[] commits = new long[2];
                for (int k = 0; k < 2; k++) {
                    boolean grouped = (k == 0) == groupFirst;
                    long c0 = groupCommits.get();
                    double rate = measure(grouped ? group::send : publisher::send, threads, seconds);
                    r[grouped ? 1 : 0] = rate;
                    commits[grouped ? 1 : 0] = grouped ? groupCommits.get() - c0 : (long) (rate * seconds);
                }
                if (round == 0) {
                    System.out.printf("warm-up   each request commits %,8.0f/s   group commit %,8.0f/s%n", r[0], r[1]);
                    continue;
                }
                ratios.add(r[1] / r[0]);
                System.out.printf("round %d   each request commits %,8.0f/s   group commit %,8.0f/s (%.1f requests per commit)   %.2f×%n",
                        round, r[0], r[1], r[1] * seconds / Math.max(1, commits[1]), r[1] / r[0]);
            }
            Collections.sort(ratios);
            System.out.printf("median ratio, group commit / each request commits: %.2f×%n", ratios.get(ratios.size() / 2));
        } finally {
            draining.set(false);
            drain.join(5000);
            group.stop();
            pool.stop();
            broker.stop();
            try (var files = Files.walk(dir)) {
                files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    /** Requests committed per second by {@code threads} requests in a closed loop. */
    private static double measure(Strategy strategy, int threads, int seconds) throws Exception {
        String body = "{\"pad\":\"" + "x".repeat(1000) + "\"}";
        AtomicLong done = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        strategy.send(List.of(new Publisher.Outgoing(QUEUE, body)));
                        done.incrementAndGet();
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                } finally {
                    finished.countDown();
                }
            });
            workers.add(w);
        }
        long t0 = System.nanoTime();
        workers.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        long n = done.get();
        double elapsed = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        finished.await();
        return n / elapsed;
    }

    /** Takes the queue's messages in transactions of up to 500, so that it stays short. */
    private static Thread drainer(ActiveMQConnectionFactory cf, AtomicBoolean running) {
        Thread t = new Thread(() -> {
            try (Connection c = cf.createConnection()) {
                c.start();
                Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = s.createConsumer(s.createQueue(QUEUE));
                while (running.get()) {
                    int n = 0;
                    while (n < 500 && consumer.receive(n == 0 ? 100 : 1) != null) n++;
                    if (n > 0) s.commit();
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "drain");
        t.start();
        return t;
    }

    private GroupCommitBenchmark() {}
}
