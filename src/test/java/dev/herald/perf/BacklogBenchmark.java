package dev.herald.perf;

import dev.herald.Herald;
import dev.herald.broker.EmbeddedBroker;
import dev.herald.channel.WebhookSigner;
import dev.herald.support.TestHerald;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * What a waiting backlog costs (bench/backlog.sh). Subscription {@code backlog} (A) has a receiver
 * that is down — a closed port, or one answering 503 — and N deliveries queued for it; subscription
 * {@code steady} (B) gets a steady 250 events/s to a live receiver the whole time. Reports B's
 * latency before the backlog exists, while it is being queued and while it waits; the JVM's heap
 * after a forced GC at each of those points; what the broker holds for herald.deliveries (and any
 * herald.parked.* queue): messages, scheduled, paged, bytes, page files; and how fast
 * {@code herald_deliveries_deferred_total} grows while the backlog waits (scraped from the
 * management endpoint). It measures Herald as it is; nothing is judged.
 *
 * <p>Usage: {@code BacklogBenchmark [N] [closed|503]} (N default 100,000, at most 1,000,000). Phases:
 * a 15 s warm-up and 15 s "before" with B alone; "filling" until all N are accepted and dispatched (or
 * {@code -Dbacklog.fill-seconds}, default 30 + N/1,250); "waiting" for {@code -Dbacklog.wait-seconds}
 * (120: two of Herald's default circuit probe intervals). Writes target/perf/backlog.txt and
 * target/perf/backlog.csv (one row per 10 s window).
 */
public final class BacklogBenchmark {

    static final int MAX_N = 1_000_000;
    /** B's rate (-Dbacklog.steady-rate: on a machine too busy for Herald to keep up with 250/s, the backlog never fills). */
    static final double STEADY_RATE = Double.parseDouble(System.getProperty("backlog.steady-rate", "250"));
    /**
     * The fair-share scenario (bench/fairshare.sh): a third subscription, {@code slow}, whose receiver
     * answers after {@code -Dbacklog.slow-ms} (2,000) and which gets {@code -Dbacklog.slow-rate} events/s
     * (0: no slow subscription) from the start of the filling on — A down with its backlog, B slow, the
     * steady one measured alone first ("before") and then beside both.
     */
    static final double SLOW_RATE = Double.parseDouble(System.getProperty("backlog.slow-rate", "0"));
    static final long SLOW_MS = Long.getLong("backlog.slow-ms", 2000);
    /** The type the orders route gives the backlog's events (status "held": neither created nor cancelled). */
    static final String BACKLOG_TYPE = "order.updated";

    /** One phase of the run: B's latency, how many were delivered, and what the JVM spent. */
    private static final class Phase {
        final String name;
        final Histogram latencyUs = new Histogram(3_600_000_000L, 3);
        final JvmTime.Mark start = JvmTime.mark();
        final long startNanos = System.nanoTime();
        long delivered;
        JvmTime time;
        double seconds;

        Phase(String name) {
            this.name = name;
        }

        String line() {
            return String.format("B %-10s (%3.0f s): %,7d delivered (%,4.0f/s)  p50 %8.1f  p99 %8.1f  p99.9 %8.1f  max %8.1f ms"
                            + "  JVM CPU %.2f cores, %s", name, seconds, delivered, delivered / Math.max(seconds, 1e-9),
                    ms(latencyUs, 50), ms(latencyUs, 99), ms(latencyUs, 99.9), latencyUs.getMaxValue() / 1000.0,
                    time.cpuS() / Math.max(time.wallS(), 1e-9), time.line());
        }
    }

    private static double ms(Histogram h, double pct) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(pct) / 1000.0;
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "").replace(",", "")) : 100_000;
        if (n < 1 || n > MAX_N) throw new IllegalArgumentException("N must be 1.." + MAX_N + ", not " + n);
        String down = args.length > 1 ? args[1] : "closed";
        if (!down.equals("closed") && !down.equals("503")) throw new IllegalArgumentException("the receiver is down as 'closed' or '503'");
        int warmUp = Integer.getInteger("backlog.warm-up-seconds", 15), before = Integer.getInteger("backlog.before-seconds", 15);
        int fillLimit = Integer.getInteger("backlog.fill-seconds", 30 + n / 1250), wait = Integer.getInteger("backlog.wait-seconds", 120);
        Path out = Path.of("target/perf");
        Files.createDirectories(out);
        Path dir = Files.createTempDirectory("herald-backlog");
        List<String> report = new ArrayList<>();
        List<String> csv = new ArrayList<>(List.of("t_s,phase,b_delivered,b_per_s,b_p50_ms,b_p99_ms,b_max_ms,cpu_cores,jit_s,jit_cpu_s,"
                + "deliveries_messages,deliveries_scheduled,deliveries_paged,deferred_total,backlog_attempts_total,backlog_accepted,log_messages,heap_used_mb"));

        try (FastReceiver live = new FastReceiver(); FastReceiver refusing = down.equals("503") ? new FastReceiver(503) : null;
             FastReceiver slowReceiver = new FastReceiver(200, SLOW_MS)) {
            int downPort = refusing != null ? refusing.port() : TestHerald.freePort(); // closed: nothing listens there
            String downUrl = "http://127.0.0.1:" + downPort + "/backlog";
            Herald herald = start(dir, live.url("/steady"), downUrl, SLOW_RATE > 0 ? slowReceiver.url("/slow") : null);
            try {
                EmbeddedBroker heraldBroker = herald.context().getRegistry().lookupByNameAndType("heraldBroker", EmbeddedBroker.class);
                BrokerProbe broker = new BrokerProbe(heraldBroker, dir.resolve("data/broker"));
                Metrics metrics = new Metrics("http://127.0.0.1:" + managementPort + "/observe/metrics");
                String producerUrl = "tcp://127.0.0.1:" + brokerPort + "?user=producer&password="
                        + Files.readString(dir.resolve("data/broker-producer.password")).trim();
                say(report, String.format("backlog: %,d deliveries for subscription 'backlog' (its receiver: %s), while subscription"
                                + " 'steady' gets %.0f ev/s to a live receiver; %d cores, %s, -Xmx %,d MB", n,
                        refusing != null ? "answers 503 on " + downUrl : "a closed port, " + downUrl, STEADY_RATE,
                        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                        Runtime.getRuntime().maxMemory() >> 20));
                say(report, "phases: warm-up " + warmUp + " s, before " + before + " s, filling (at most " + fillLimit + " s), waiting "
                        + wait + " s; every phase with B's steady load");
                if (SLOW_RATE > 0) {
                    say(report, String.format("fair share: from the filling on, subscription 'slow' also gets %.0f ev/s to a receiver that"
                            + " answers after %,d ms; B's 'before' is B alone", SLOW_RATE, SLOW_MS));
                }

                // B: a steady Poisson load for the whole run, on its own thread; bounded in time.
                AtomicBoolean stop = new AtomicBoolean();
                AtomicReference<PoissonLoad.Run> steadyRun = new AtomicReference<>();
                long runLimit = System.nanoTime() + (long) ((warmUp + before + fillLimit + wait + 120) * 1e9);
                Thread steady = new Thread(() -> {
                    try {
                        steadyRun.set(PoissonLoad.run(PoissonLoad.jms(producerUrl, "legacy.orders"), STEADY_RATE, Integer.MAX_VALUE,
                                runLimit, stop::get, "B-"));
                    } catch (Exception e) {
                        System.out.println("steady load failed: " + e);
                    }
                }, "steady-load");
                steady.start();

                Windows w = new Windows(live, refusing, broker, metrics, csv);
                w.run(new Phase("warm-up"), warmUp, () -> false);
                Phase beforePhase = w.run(new Phase("before"), before, () -> false);
                long heapBefore = heapAfterGc();
                Snapshot s0 = Snapshot.take(broker, metrics, dir);

                // A: N events, as fast as Herald takes them (no more than 5,000 waiting at its ingress).
                AtomicLong filled = new AtomicLong();
                AtomicBoolean stopFill = new AtomicBoolean();
                // Paced by A's own events not yet accepted, so that a B that Herald cannot keep up with does not stop the fill.
                LongSupplier acceptedA = () -> (long) (metrics.scrape().accepted(BACKLOG_TYPE) - s0.acceptedBacklog);
                Thread fill = new Thread(() -> fill(producerUrl, n, acceptedA, filled, stopFill), "fill");
                fill.start();
                // The slow partner's load, from now until the end (bounded like B's).
                AtomicReference<PoissonLoad.Run> slowRun = new AtomicReference<>();
                Thread slow = new Thread(() -> {
                    try {
                        if (SLOW_RATE > 0) slowRun.set(PoissonLoad.run(PoissonLoad.jms(producerUrl, "legacy.orders", "cancelled"), SLOW_RATE,
                                Integer.MAX_VALUE, runLimit, stop::get, "S-"));
                    } catch (Exception e) {
                        System.out.println("slow load failed: " + e);
                    }
                }, "slow-load");
                slow.start();
                // Queued: every one of A's events accepted (they alone are order.updated) and dispatched (herald.events empty).
                double acceptedBefore = s0.acceptedBacklog;
                Phase filling = w.run(new Phase("filling"), fillLimit, () -> filled.get() == n && broker.count("legacy.orders") == 0
                        && broker.count("herald.events") == 0 && metrics.scrape().accepted(BACKLOG_TYPE) - acceptedBefore >= n);
                stopFill.set(true);
                fill.join(10_000);
                long heapQueued = heapAfterGc();
                Snapshot s1 = Snapshot.take(broker, metrics, dir);
                long queued = (long) (s1.acceptedBacklog - acceptedBefore);
                long atIngress = broker.count("legacy.orders") + broker.count("herald.events");
                say(report, String.format("queued: %,d of %,d accepted and dispatched after %.0f s of filling (%,.0f/s)%s", queued, n,
                        filling.seconds, queued / Math.max(filling.seconds, 1e-9), queued < n ? String.format(
                                " — the fill was cut short at its time limit (%,d sent; %,d still at Herald's ingress, taken in while it"
                                + " waits)", filled.get(), atIngress) : ""));

                Phase waiting = w.run(new Phase("waiting"), wait, () -> false);
                Snapshot s2 = Snapshot.take(broker, metrics, dir);
                long heapAfter = heapAfterGc();
                stop.set(true);
                steady.join(15_000);
                slow.join(15_000);
                if (SLOW_RATE > 0) {
                    org.HdrHistogram.Histogram slowLatency = slowReceiver.latencyUs.getIntervalHistogram();
                    say(report, String.format("slow: %,d sent, %,d answered by its receiver (after %,d ms each; p50 %,.0f ms, p99 %,.0f ms"
                                    + " from send to its receiver: its own queue behind its cap)", slowRun.get() == null ? 0 : slowRun.get().sent(),
                            slowReceiver.received.get(), SLOW_MS, ms(slowLatency, 50), ms(slowLatency, 99)));
                }

                PoissonLoad.Run r = steadyRun.get();
                if (r != null) {
                    say(report, String.format("B's generator: %,d sent, at most %,.0f ms behind its schedule (%,d sends >10 ms late)%s",
                            r.sent(), r.maxLagNs() / 1e6, r.lateSends(), r.maxLagNs() > PerfBenchmark.GENERATOR_BOUND_NS
                                    ? " — B's load was not what was asked: the latencies below are flattered" : ""));
                }
                say(report, beforePhase.line());
                say(report, filling.line());
                say(report, waiting.line());
                say(report, String.format("heap after a forced GC (the whole JVM: Herald, its broker, the load and receivers): before"
                                + " %,.0f MB; backlog queued %,.0f MB (%+,.0f MB, %,.1f KB per queued delivery);"
                                + " after waiting %,.0f MB (%+,.0f MB)",
                        heapBefore / 1e6, heapQueued / 1e6, (heapQueued - heapBefore) / 1e6,
                        queued > 0 ? (heapQueued - heapBefore) / 1e3 / queued : 0, heapAfter / 1e6, (heapAfter - heapBefore) / 1e6));
                for (var q : s1.queues) say(report, "broker, queued:  " + q.line());
                for (var q : s2.queues) say(report, "broker, waited:  " + q.line());
                say(report, String.format("broker on disk: journal %,.1f → %,.1f → %,.1f MB, page files %,.1f → %,.1f → %,.1f MB;"
                                + " H2 store %,.1f → %,.1f → %,.1f MB (before → queued → after waiting)",
                        s0.journal / 1e6, s1.journal / 1e6, s2.journal / 1e6, s0.paging / 1e6, s1.paging / 1e6, s2.paging / 1e6,
                        s0.store / 1e6, s1.store / 1e6, s2.store / 1e6));
                double minutes = waiting.seconds / 60;
                Map<String, Double> grew = new TreeMap<>();
                s2.deferredBacklog.forEach((reason, v) -> grew.put(reason, v - s1.deferredBacklog.getOrDefault(reason, 0.0)));
                double grewTotal = grew.values().stream().mapToDouble(Double::doubleValue).sum();
                say(report, String.format("herald_deliveries_deferred_total{subscription=\"backlog\"} while it waited: %+,.0f in %.0f s"
                                + " = %,.0f per minute (%s); %,.1f per queued delivery per minute; %,.0f in all since the start",
                        grewTotal, waiting.seconds, grewTotal / minutes, grew.isEmpty() ? "none" : grew.entrySet().stream()
                                .map(e -> String.format("%s %,.0f/min", e.getKey(), e.getValue() / minutes)).reduce((a, b) -> a + ", " + b)
                                .orElse(""), queued > 0 ? grewTotal / minutes / queued : 0,
                        s2.deferredBacklog.values().stream().mapToDouble(Double::doubleValue).sum()));
                say(report, String.format("herald_deliveries_deferred_total{subscription=\"steady\"}: %,.0f in all (B held back by its"
                        + " own cap)", s2.deferredSteady));
                say(report, String.format("attempts on the backlog's receiver while it waited: %,.0f (%,.1f per minute; %s)",
                        s2.attemptsBacklog - s1.attemptsBacklog, (s2.attemptsBacklog - s1.attemptsBacklog) / minutes,
                        refusing != null ? refusing.received.get() + " requests reached the 503 receiver in all"
                                : "from herald_delivery_attempts_total"));
                say(report, String.format("herald.log (the store writer's queue) at the end: %,d records", broker.count("herald.log")));
            } finally {
                herald.stop();
                BrokerProbe.delete(dir);
            }
        }
        Files.write(out.resolve("backlog.txt"), report);
        Files.write(out.resolve("backlog.csv"), csv);
        System.out.println("wrote target/perf/backlog.txt, target/perf/backlog.csv");
        System.exit(0);
    }

    private static boolean interesting(String queue) {
        return queue.equals("herald.deliveries") || queue.startsWith("herald.parked");
    }

    private static void say(List<String> report, String line) {
        System.out.println(line);
        report.add(line);
    }

    /** Heap in use after a forced GC (twice, so what the first freed for finalisation goes too). */
    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Sends the backlog's events (status "held": only subscription A takes them), pausing while 5,000 of them are not yet accepted. */
    private static void fill(String url, int n, LongSupplier accepted, AtomicLong filled, AtomicBoolean stop) {
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url);
        cf.setBlockOnDurableSend(false);
        cf.setConfirmationWindowSize(1 << 20);
        try (cf; Connection c = cf.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer p = s.createProducer(s.createQueue("legacy.orders"));
            p.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < n && !stop.get(); i++) {
                if (i % 500 == 0) {
                    while (!stop.get() && filled.get() - accepted.getAsLong() > 5_000) Thread.sleep(100);
                }
                p.send(s.createTextMessage(PoissonLoad.order("A-" + i, "held", System.nanoTime() / 1000)));
                filled.incrementAndGet();
            }
        } catch (Exception e) {
            System.out.println("fill failed: " + e);
        }
    }

    /** What the broker, the store and the metrics say at one moment. */
    private record Snapshot(long deliveries, List<BrokerProbe.QueueState> queues, long journal, long paging, long store,
                            Map<String, Double> deferredBacklog, double deferredSteady, double attemptsBacklog, double acceptedBacklog) {

        static Snapshot take(BrokerProbe broker, Metrics metrics, Path dir) {
            Metrics.Scrape m = metrics.scrape();
            return new Snapshot(broker.count("herald.deliveries"), broker.queues(BacklogBenchmark::interesting), broker.journalBytes(),
                    broker.pagingBytes(), BrokerProbe.bytes(dir.resolve("data")) - BrokerProbe.bytes(dir.resolve("data/broker")),
                    m.deferred("backlog"), m.deferred("steady").values().stream().mapToDouble(Double::doubleValue).sum(),
                    m.attempts("backlog"), m.accepted(BACKLOG_TYPE));
        }
    }

    /** Ticks every second, prints and records a row every 10 s (and at the end of a phase). */
    private static final class Windows {
        private final FastReceiver live;
        private final FastReceiver refusing;
        private final BrokerProbe broker;
        private final Metrics metrics;
        private final List<String> csv;
        private final long t0 = System.nanoTime();

        Windows(FastReceiver live, FastReceiver refusing, BrokerProbe broker, Metrics metrics, List<String> csv) {
            this.live = live;
            this.refusing = refusing;
            this.broker = broker;
            this.metrics = metrics;
            this.csv = csv;
        }

        /** Runs {@code phase} for at most {@code seconds}, or until {@code done}; returns it, measured. */
        Phase run(Phase phase, int seconds, java.util.function.BooleanSupplier done) throws Exception {
            live.latencyUs.getIntervalHistogram(); // what came before belongs to the phase before
            long end = phase.startNanos + seconds * 1_000_000_000L;
            long received = live.received.get();
            JvmTime.Mark window = JvmTime.mark();
            Histogram windowHist = new Histogram(3_600_000_000L, 3);
            long windowReceived = received, windowStart = System.nanoTime();
            while (true) {
                Thread.sleep(1000);
                Histogram h = live.latencyUs.getIntervalHistogram();
                phase.latencyUs.add(h);
                windowHist.add(h);
                long now = System.nanoTime();
                boolean last = now >= end || done.getAsBoolean();
                if (last || now - windowStart >= 10_000_000_000L) {
                    JvmTime t = window.since();
                    long got = live.received.get() - windowReceived;
                    var q = broker.queues(name -> name.equals("herald.deliveries"));
                    BrokerProbe.QueueState d = q.isEmpty() ? null : q.get(0);
                    Metrics.Scrape m = metrics.scrape();
                    double deferred = m.deferred("backlog").values().stream().mapToDouble(Double::doubleValue).sum();
                    double acceptedA = m.accepted(BACKLOG_TYPE);
                    double attempts = refusing != null ? refusing.received.get() : m.attempts("backlog");
                    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    double ts = (now - t0) / 1e9;
                    long messages = d == null ? -1 : d.messages(), scheduled = d == null ? -1 : d.scheduled();
                    long paged = d == null ? -1 : d.pagedMessages();
                    // The store writer's queue: after a fill, how long the store takes to catch up with it.
                    long log = broker.count("herald.log");
                    System.out.printf("t=%4.0f s  %-8s B %,5d (%,4.0f/s)  p50 %7.1f  p99 %7.1f  max %7.1f ms  CPU %.2f cores"
                                    + " (JIT CPU %.1f s)  herald.deliveries %,d (scheduled %,d, paged %,d)  deferred(backlog) %,.0f"
                                    + "  attempts(backlog) %,.0f  accepted(backlog) %,.0f  herald.log %,d  heap %,d MB%n", ts, phase.name, got,
                            got / t.wallS(), ms(windowHist, 50), ms(windowHist, 99), windowHist.getMaxValue() / 1000.0, t.cpuS() / t.wallS(),
                            t.jitCpuS(), messages, scheduled, paged, deferred, attempts, acceptedA, log, heap >> 20);
                    csv.add(String.format("%.0f,%s,%d,%.1f,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%d,%d,%d,%.0f,%.0f,%.0f,%d,%d", ts, phase.name, got,
                            got / t.wallS(), ms(windowHist, 50), ms(windowHist, 99), windowHist.getMaxValue() / 1000.0,
                            t.cpuS() / t.wallS(), t.jitS(), t.jitCpuS(), messages, scheduled, paged, deferred, attempts, acceptedA,
                            log, heap >> 20));
                    window = JvmTime.mark();
                    windowHist.reset();
                    windowReceived = live.received.get();
                    windowStart = now;
                }
                if (last) break;
            }
            phase.delivered = live.received.get() - received;
            phase.time = phase.start.since();
            phase.seconds = phase.time.wallS();
            return phase;
        }
    }

    /** Herald's Prometheus endpoint, read for its own counters. */
    private static final class Metrics {
        private static final Pattern LINE = Pattern.compile("^(\\w+)\\{([^}]*)}\\s+(\\S+)", Pattern.MULTILINE);
        // HTTP/1.1, as Prometheus scrapes (no h2c upgrade attempt).
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final String url;

        Metrics(String url) {
            this.url = url;
        }

        record Scrape(List<String[]> samples) {
            /** herald_deliveries_deferred_total for one subscription, by reason. */
            Map<String, Double> deferred(String subscription) {
                Map<String, Double> by = new TreeMap<>();
                for (String[] s : samples) {
                    if (s[0].equals("herald_deliveries_deferred_total") && label(s[1], "subscription").equals(subscription)) {
                        by.merge(label(s[1], "reason"), Double.parseDouble(s[2]), Double::sum);
                    }
                }
                return by;
            }

            /** herald_events_accepted_total for one event type, every source. */
            double accepted(String type) {
                return samples.stream().filter(s -> s[0].equals("herald_events_accepted_total") && label(s[1], "type").equals(type))
                        .mapToDouble(s -> Double.parseDouble(s[2])).sum();
            }

            double attempts(String subscription) {
                return samples.stream().filter(s -> s[0].equals("herald_delivery_attempts_total")
                        && label(s[1], "subscription").equals(subscription)).mapToDouble(s -> Double.parseDouble(s[2])).sum();
            }

            private static String label(String labels, String name) {
                Matcher m = Pattern.compile("(?:^|,)" + name + "=\"([^\"]*)\"").matcher(labels);
                return m.find() ? m.group(1) : "";
            }
        }

        Scrape scrape() {
            List<String[]> samples = new ArrayList<>();
            try {
                String body = client.sendAsync(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString()).get(30, java.util.concurrent.TimeUnit.SECONDS).body();
                Matcher m = LINE.matcher(body);
                while (m.find()) {
                    if (m.group(1).startsWith("herald_")) samples.add(new String[] {m.group(1), m.group(2), m.group(3)});
                }
            } catch (Exception e) {
                System.out.println("(metrics: " + e + ")");
            }
            return new Scrape(samples);
        }
    }

    private static int brokerPort;
    private static int managementPort;

    private static Herald start(Path dir, String steadyUrl, String backlogUrl, String slowUrl) throws Exception {
        Files.writeString(dir.resolve("secret"), WebhookSigner.newSecret());
        Files.writeString(dir.resolve("subscriptions.yaml"), "subscriptions:\n" + sub("steady", "created", steadyUrl, dir)
                + sub("backlog", "held", backlogUrl, dir) + (slowUrl == null ? "" : sub("slow", "cancelled", slowUrl, dir)));
        brokerPort = TestHerald.freePort();
        managementPort = TestHerald.freePort();
        Map<String, String> o = new LinkedHashMap<>();
        o.put("herald.data.dir", dir.resolve("data").toString());
        o.put("herald.broker.port", Integer.toString(brokerPort));
        o.put("herald.http.port", Integer.toString(TestHerald.freePort()));
        o.put("herald.management.port", Integer.toString(managementPort));
        o.put("herald.store.url", "jdbc:h2:file:" + dir.resolve("data/store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0");
        o.put("herald.subscriptions.file", dir.resolve("subscriptions.yaml").toString());
        o.put("herald.ssrf.allow", "127.0.0.1/32");
        // Experiments: -Dherald.<setting>=<value> on the benchmark's JVM (BACKLOG_JAVA_OPTS) overrides a setting.
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("herald.") || k.startsWith("camel."))
                .forEach(k -> o.put(k, System.getProperty(k)));
        return new Herald(o).start();
    }

    private static String sub(String id, String status, String url, Path dir) {
        return """
                  - id: %s
                    types: ["order.*"]
                    filter: {data: {status: [%s]}}
                    channel: webhook
                    parameters: {url: "%s", secretFile: %s}
                """.formatted(id, status, url, dir.resolve("secret"));
    }
}
