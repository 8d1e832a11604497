package dev.herald.perf;

import dev.herald.Herald;
import dev.herald.broker.EmbeddedBroker;
import dev.herald.channel.WebhookSigner;
import dev.herald.support.KafkaBroker;
import dev.herald.support.TestHerald;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * Herald against three hand-written senders, in one run on one machine (bench/perf.sh). Starts Herald
 * (embedded Artemis with its persistent journal, the H2 store, signed webhooks) and a fast loopback
 * receiver; checks the receiver's own capacity; then drives, each after the same warm-up, the naive
 * baseline ({@link Baseline}: one message per transaction), the batched floor ({@link BatchedFloor}:
 * up to 256 per transaction, POSTed concurrently), the pipeline floor ({@link PipelineFloor}: Herald's
 * durable work per event, hand-written and batched) and Herald with open-loop Poisson arrivals of 1 KB
 * JSON events into JMS at increasing rates, until one is no longer sustained; then sends the same
 * events to Herald through Kafka and {@code POST /events}; then fans one event out to 10 (and 1,000)
 * subscriptions. Writes target/perf/results.csv and target/perf/latency.png. Not a test: it asserts
 * nothing.
 *
 * <p>A step is sustained when everything was delivered, the last delivery came within 1 s of the
 * schedule's end (when the last event was due, not when the generator got round to sending it),
 * the generator itself kept to the schedule: no send more than {@code -Dperf.generator-bound-ms}
 * (200) late, and the store's log (Herald's attempt log, the pipeline floor's) caught up within 5 s
 * of the step's end. Each step also says how much of it the JIT compiler, GC and the JVM as a whole took.
 *
 * <p>Usage: {@code PerfBenchmark short|full|profile}. Short (CI) runs two JMS rates per system and one
 * rate per other source, two seconds each, with no warm-up, and judges nothing; profile runs Herald
 * alone at {@code -Dperf.rate} for 30 s (bench/profile.sh). Experiments: {@code -Dperf.lambdas=500,1000}
 * replaces the JMS steps, {@code -Dperf.systems=baseline,floor} runs only some of baseline, floor,
 * pipeline, herald, kafka, http, fanout; {@code -Dperf.floor.consumers}, {@code .batch}, {@code .connections} shape
 * the floor, {@code -Dperf.pipeline.threads} the pipeline floor.
 */
public final class PerfBenchmark {

    /** One rate step of one system; {@code judged} false in short mode (then {@code sustained} means nothing). */
    record Step(String system, double lambda, int sent, long delivered, double achieved, long p50Us, long p99Us, long p999Us,
                boolean judged, boolean sustained, double lastAfterScheduleS, double genMaxLagMs, double genP99LagMs, int genLateSends,
                JvmTime time, long storeBacklog, double storeCatchUpS) {}

    /** A send later than this behind its due time makes the step not sustained: the arrivals were not the ones asked for. */
    static final long GENERATOR_BOUND_NS = Long.getLong("perf.generator-bound-ms", 200) * 1_000_000L;
    /** The last delivery may come this long after the last event was due. */
    static final long LAST_DELIVERY_BOUND_NS = 1_000_000_000L;
    /**
     * The store's log may lag the deliveries, never lose them; but a log that needs more than this
     * to catch up after a 10 s step is falling behind the rate, which is then not sustained.
     */
    static final double LOG_CATCH_UP_BOUND_S = 5;

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "short";
        boolean full = mode.equals("full");
        boolean profile = mode.equals("profile"); // Herald alone at -Dperf.rate for 30 s, for a profiler
        boolean judge = !mode.equals("short");
        int seconds = full ? 10 : 2;
        double[] lambdas = System.getProperty("perf.lambdas") != null
                ? java.util.Arrays.stream(System.getProperty("perf.lambdas").split(",")).mapToDouble(Double::parseDouble).toArray()
                : full ? new double[] {100, 250, 500, 1000, 1500, 2000, 4000, 6000} : new double[] {50, 200};
        // The same warm-up before each system's steps: on 2 cores the JIT takes a core for the first minute.
        int warmUpSeconds = full ? Integer.getInteger("perf.warm-up-seconds", 25) : 0;
        double warmUpRate = Integer.getInteger("perf.warm-up-rate", 500);
        List<String> systems = List.of(System.getProperty("perf.systems", "baseline,floor,pipeline,herald,kafka,http,fanout").split(","));
        Path out = Path.of("target/perf");
        Files.createDirectories(out);
        Path dir = Files.createTempDirectory("herald-perf");
        System.out.printf("herald perf (%s): %d cores, %s, %d s per step, %s%n", mode, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), seconds, warmUpSeconds > 0
                        ? String.format("a %d s warm-up at %.0f ev/s before each system's steps", warmUpSeconds, warmUpRate)
                        : "no warm-up");
        if (judge) {
            System.out.printf("sustained: all delivered, the last within %.0f s of the schedule's end, no send more than %d ms late,"
                    + " the store log caught up within %.0f s%n", LAST_DELIVERY_BOUND_NS / 1e9, GENERATOR_BOUND_NS / 1_000_000,
                    LOG_CATCH_UP_BOUND_S);
        } else {
            System.out.println("short: numbers only, nothing judged");
        }
        if (!ManagementFactory.getCompilationMXBean().isCompilationTimeMonitoringSupported()) {
            System.out.println("(this JVM does not report JIT compilation time: JIT columns are 0)");
        }

        boolean kafkaToo = !profile && systems.contains("kafka");
        try (FastReceiver receiver = new FastReceiver(); KafkaBroker kafka = kafkaToo ? KafkaBroker.start() : null) {
            capacity(receiver, full ? 3 : 1); // warms the JIT up: the first seconds measure class loading
            System.out.printf("receiver capacity: %,.0f requests/s (16 in-JVM HttpClient 5 clients, 1 KB POSTs, keep-alive;"
                    + " the client is the limit: wrk measures ~40,000/s)%n", capacity(receiver, full ? 3 : 1));
            Herald herald = start(dir, receiver, kafka);
            heraldBroker = herald.context().getRegistry().lookupByNameAndType("heraldBroker", EmbeddedBroker.class);
            // Legacy producers log in as the producer; the baseline and the floor, services of the platform's own, as Herald does.
            String broker = "tcp://127.0.0.1:" + brokerPort + "?user=producer&password="
                    + Files.readString(dir.resolve("data/broker-producer.password")).trim();
            String ownBroker = "tcp://127.0.0.1:" + brokerPort + "?user=herald&password=" + heraldBroker.heraldLogin().password();
            Callable<PoissonLoad.Source> jms = () -> PoissonLoad.jms(broker, "legacy.orders");
            Map<String, List<Step>> steps = new LinkedHashMap<>();
            if (profile) {
                // Long enough a warm-up that the JIT has mostly done its work before the measured 30 s.
                int rate = Integer.getInteger("perf.rate", 300);
                run(receiver, jms, "warm-up", new double[] {200, Math.max(200, rate / 2)}, 10, false);
                run(receiver, jms, "herald", new double[] {rate}, 30, true);
                herald.stop();
                BrokerProbe.delete(dir);
                System.exit(0);
            }
            if (systems.contains("baseline")) {
                try (Baseline baseline = new Baseline(ownBroker, "bench.baseline", receiver.url("/baseline"), 16)) {
                    Callable<PoissonLoad.Source> queue = () -> PoissonLoad.jms(ownBroker, "bench.baseline");
                    warmUp(receiver, queue, "baseline", warmUpRate, warmUpSeconds);
                    steps.put("baseline", run(receiver, queue, "baseline", lambdas, seconds, judge));
                }
            }
            if (systems.contains("floor")) {
                int consumers = Integer.getInteger("perf.floor.consumers", 4), batch = Integer.getInteger("perf.floor.batch", 256);
                int connections = Integer.getInteger("perf.floor.connections", 64);
                System.out.printf("floor: %d consumers, up to %d messages per transaction, %d connections%n",
                        consumers, batch, connections);
                try (BatchedFloor floor = new BatchedFloor(ownBroker, "bench.floor", receiver.url("/floor"), consumers, batch, connections)) {
                    Callable<PoissonLoad.Source> queue = () -> PoissonLoad.jms(ownBroker, "bench.floor");
                    warmUp(receiver, queue, "floor", warmUpRate, warmUpSeconds);
                    steps.put("floor", run(receiver, queue, "floor", lambdas, seconds, judge));
                }
            }
            if (systems.contains("pipeline")) {
                int threads = Integer.getInteger("perf.pipeline.threads", 2);
                System.out.printf("pipeline floor: %d threads per stage, up to 256 messages per transaction, 64 connections%n", threads);
                try (PipelineFloor floor = new PipelineFloor(ownBroker, "bench.pipeline", receiver.url("/pipeline"), dir, threads, 256, 64)) {
                    pipelineLog = floor.logQueue();
                    Callable<PoissonLoad.Source> queue = () -> PoissonLoad.jms(ownBroker, "bench.pipeline");
                    warmUp(receiver, queue, "pipeline", warmUpRate, warmUpSeconds);
                    steps.put("pipeline", run(receiver, queue, "pipeline", lambdas, seconds, judge));
                }
            }
            if (systems.contains("herald")) {
                warmUp(receiver, jms, "herald", warmUpRate, warmUpSeconds);
                steps.put("herald", run(receiver, jms, "herald", lambdas, seconds, judge));
            }
            // The same events into Herald's other ingresses: Kafka (structured CloudEvents) and POST /events.
            double[] sourceLambdas = full ? new double[] {250, 1000, 2000} : new double[] {50};
            // Each ingress gets the warm-up too: its own code is still cold after the JMS steps.
            if (kafkaToo) {
                Callable<PoissonLoad.Source> topic = () -> PoissonLoad.kafka(kafka.bootstrap(), "platform.events");
                warmUp(receiver, topic, "herald-kafka", warmUpRate, warmUpSeconds);
                steps.put("herald-kafka", run(receiver, topic, "herald-kafka", sourceLambdas, seconds, judge));
            }
            if (systems.contains("http")) {
                Callable<PoissonLoad.Source> ingest = () -> PoissonLoad.http("http://127.0.0.1:" + httpPort + "/events");
                warmUp(receiver, ingest, "herald-http", warmUpRate, warmUpSeconds);
                steps.put("herald-http", run(receiver, ingest, "herald-http", sourceLambdas, seconds, judge));
            }
            List<String> fanOut = new ArrayList<>();
            if (systems.contains("fanout")) {
                for (int k : full ? new int[] {10, 1000} : new int[] {10}) fanOut.add(fanOut(receiver, broker, dir, k, full ? 50 : 10));
            }
            herald.stop();
            BrokerProbe.delete(dir);

            Sustained best = new Sustained(best(steps.get("baseline")), best(steps.get("floor")), best(steps.get("pipeline")),
                    best(steps.get("herald")));
            Files.write(out.resolve("results.csv"), csv(steps, judge ? best : null));
            Files.write(out.resolve("fanout.txt"), fanOut);
            Plot.latency(out.resolve("latency.png"), steps);
            if (judge) {
                System.out.printf("sustained deliveries: baseline %s, floor %s, pipeline floor %s, herald %s;"
                                + " herald/baseline %s, herald/floor %s, herald/pipeline floor %s%n",
                        rate(best.baseline(), steps.get("baseline"), lambdas), rate(best.floor(), steps.get("floor"), lambdas),
                        rate(best.pipeline(), steps.get("pipeline"), lambdas), rate(best.herald(), steps.get("herald"), lambdas),
                        share(best.herald(), best.baseline()), share(best.herald(), best.floor()), share(best.herald(), best.pipeline()));
                for (String source : List.of("herald-kafka", "herald-http")) {
                    if (steps.containsKey(source)) {
                        System.out.printf("sustained deliveries through %s: %s%n", source.substring(7),
                                rate(best(steps.get(source)), steps.get(source), sourceLambdas));
                    }
                }
            } else {
                System.out.println("short run, nothing judged: " + String.join(", ", steps.entrySet().stream()
                        .filter(e -> !e.getValue().isEmpty()).map(e -> {
                            Step top = e.getValue().get(e.getValue().size() - 1);
                            return String.format("%s %,.0f/s at λ=%,.0f", e.getKey(), top.achieved(), top.lambda());
                        }).toList()));
            }
            System.out.println("wrote target/perf/results.csv, target/perf/fanout.txt, target/perf/latency.png");
        }
        System.exit(0);
    }

    /** The best sustained deliveries/s of the JMS systems (0: none sustained, or not run). */
    record Sustained(double baseline, double floor, double pipeline, double herald) {}

    /** A best sustained rate as printed: "≥" when the system kept up with the highest step offered (its limit lies beyond). */
    private static String rate(double best, List<Step> steps, double[] lambdas) {
        if (steps == null || steps.isEmpty()) return "not run";
        if (best == 0) return "no step sustained";
        Step top = steps.get(steps.size() - 1);
        boolean atTop = top.sustained() && top.lambda() == lambdas[lambdas.length - 1];
        return (atTop ? "≥ " : "") + String.format("%,.0f/s", best);
    }

    private static String share(double part, double whole) {
        return whole == 0 ? "n/a" : String.format("%.2f", part / whole);
    }

    private static List<String> csv(Map<String, List<Step>> steps, Sustained best) {
        List<String> csv = new ArrayList<>(List.of("system,lambda,sent,delivered,achieved_per_s,p50_ms,p99_ms,p999_ms,sustained,"
                + "store_backlog,store_catch_up_s,last_after_schedule_s,gen_lag_max_ms,gen_lag_p99_ms,gen_late_sends,jit_s,jit_cpu_s,gc_s,"
                + "cpu_s,step_s,share_of_baseline,share_of_floor,share_of_pipeline_floor"));
        steps.values().forEach(list -> list.forEach(s -> csv.add(String.format(
                "%s,%.0f,%d,%d,%.1f,%.2f,%.2f,%.2f,%s,%d,%.1f,%.3f,%.1f,%.1f,%d,%.2f,%.2f,%.2f,%.2f,%.1f,,,",
                s.system(), s.lambda(), s.sent(), s.delivered(), s.achieved(), s.p50Us() / 1000.0, s.p99Us() / 1000.0, s.p999Us() / 1000.0,
                s.judged() ? Boolean.toString(s.sustained()) : "", s.storeBacklog(), s.storeCatchUpS(), s.lastAfterScheduleS(),
                s.genMaxLagMs(), s.genP99LagMs(), s.genLateSends(), s.time().jitS(), s.time().jitCpuS(), s.time().gcS(), s.time().cpuS(),
                s.time().wallS()))));
        if (best != null) {
            // One row per JMS system: its best sustained rate (lambda "sustained"), and that as a share of each floor's.
            for (var e : Map.of("baseline", best.baseline(), "floor", best.floor(), "pipeline", best.pipeline(), "herald", best.herald())
                    .entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
                if (!steps.containsKey(e.getKey())) continue;
                csv.add(String.format("%s,sustained,,,%.1f,,,,%s,,,,,,,,,,,,%s,%s,%s", e.getKey(), e.getValue(), e.getValue() > 0,
                        share(e.getValue(), best.baseline()), share(e.getValue(), best.floor()), share(e.getValue(), best.pipeline())));
            }
        }
        return csv;
    }

    private static int brokerPort;
    private static int httpPort;
    private static EmbeddedBroker heraldBroker;
    private static String pipelineLog;

    private static Herald start(Path dir, FastReceiver receiver, KafkaBroker kafka) throws Exception {
        Files.writeString(dir.resolve("secret"), WebhookSigner.newSecret());
        writeSubscriptions(dir, receiver, 0);
        brokerPort = TestHerald.freePort();
        Map<String, String> o = new LinkedHashMap<>();
        o.put("herald.data.dir", dir.resolve("data").toString());
        o.put("herald.broker.port", Integer.toString(brokerPort));
        httpPort = TestHerald.freePort();
        o.put("herald.http.port", Integer.toString(httpPort));
        if (kafka != null) {
            o.put("herald.kafka.enabled", "true");
            o.put("herald.kafka.brokers", kafka.bootstrap());
        }
        o.put("herald.management.port", Integer.toString(TestHerald.freePort()));
        o.put("herald.store.url", "jdbc:h2:file:" + dir.resolve("data/store") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0");
        o.put("herald.subscriptions.file", dir.resolve("subscriptions.yaml").toString());
        o.put("herald.subscriptions.reload-interval", "500ms");
        o.put("herald.ssrf.allow", "127.0.0.1:" + receiver.port());
        // One partner takes all the load here: let it use every delivery slot, as the baseline uses its threads.
        o.put("herald.deliver.max-in-flight-per-subscription", "64");
        // Experiments: -Dherald.<setting>=<value> on the benchmark's JVM (PERF_JAVA_OPTS) overrides a setting.
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("herald.") || k.startsWith("camel."))
                .forEach(k -> o.put(k, System.getProperty(k)));
        return new Herald(o).start();
    }

    /** The perf subscription, plus {@code fan} subscriptions that every fan-out event matches. */
    private static void writeSubscriptions(Path dir, FastReceiver receiver, int fan) throws Exception {
        StringBuilder y = new StringBuilder("subscriptions:\n");
        y.append(sub("perf", "[created]", receiver.url("/herald"), dir));
        for (int i = 0; i < fan; i++) y.append(sub("fan-" + i, "[fan]", receiver.url("/fan"), dir));
        Files.writeString(dir.resolve("subscriptions.yaml"), y.toString());
    }

    private static String sub(String id, String status, String url, Path dir) {
        return """
                  - id: %s
                    types: ["order.*"]
                    filter: {data: {status: %s}}
                    channel: webhook
                    parameters: {url: "%s", secretFile: %s}
                """.formatted(id, status, url, dir.resolve("secret"));
    }

    private static void warmUp(FastReceiver receiver, Callable<PoissonLoad.Source> source, String system, double rate, int seconds)
            throws Exception {
        if (seconds > 0) run(receiver, source, system + " warm-up", new double[] {rate}, seconds, false);
    }

    /**
     * Each rate for {@code seconds}: the events sent on a Poisson schedule, then a wait for their
     * deliveries. {@code judge}: say whether each step was sustained, and stop at the first that was
     * not (after letting its backlog drain).
     */
    private static List<Step> run(FastReceiver receiver, Callable<PoissonLoad.Source> source, String system, double[] lambdas,
                                  int seconds, boolean judge) throws Exception {
        List<Step> steps = new ArrayList<>();
        for (double lambda : lambdas) {
            int n = (int) (lambda * seconds);
            long before = receiver.received.get();
            receiver.latencyUs.getIntervalHistogram(); // discard what came before
            JvmTime.Mark mark = JvmTime.mark();
            PoissonLoad.Run load = PoissonLoad.run(source.call(), lambda, n, system + "-" + (long) lambda + "-");
            long deadline = Math.max(load.dueEnd(), load.closed()) + (long) ((seconds + 30) * 1e9);
            while (receiver.received.get() - before < n && System.nanoTime() < deadline) Thread.sleep(20);
            long delivered = receiver.received.get() - before;
            JvmTime time = mark.since();
            Histogram hist = receiver.latencyUs.getIntervalHistogram();
            long last = receiver.lastReceivedNanos;
            double elapsed = (last - load.start()) / 1e9;
            // Against the schedule, not the generator: a generator that fell behind must not make a slow system look sustained.
            long lastAfterSchedule = last - load.dueEnd();
            List<String> why = new ArrayList<>();
            if (delivered < n) why.add(String.format("%,d of %,d delivered", delivered, n));
            if (lastAfterSchedule > LAST_DELIVERY_BOUND_NS) {
                why.add(String.format("last delivery %.1f s after the schedule's end", lastAfterSchedule / 1e9));
            }
            if (!load.keptUp(GENERATOR_BOUND_NS)) {
                why.add(String.format("generator more than %d ms behind", GENERATOR_BOUND_NS / 1_000_000));
            }
            // The attempt log is written off the delivery path: how far behind it was, and how long it took to catch up.
            String logQueue = system.startsWith("herald") ? "herald.log" : system.startsWith("pipeline") ? pipelineLog : null;
            long backlog = logQueue != null ? heraldBroker.messageCount(logQueue) : 0;
            long caughtUp = System.nanoTime();
            while (backlog > 0 && heraldBroker.messageCount(logQueue) > 0 && System.nanoTime() - caughtUp < 180_000_000_000L) {
                Thread.sleep(100);
            }
            double catchUpS = backlog > 0 ? (System.nanoTime() - caughtUp) / 1e9 : 0;
            if (catchUpS > LOG_CATCH_UP_BOUND_S) {
                why.add(String.format("the store log %.1f s behind the deliveries", catchUpS));
            }
            boolean sustained = why.isEmpty();
            Step s = new Step(system, lambda, n, delivered, elapsed > 0 ? delivered / elapsed : 0, hist.getValueAtPercentile(50),
                    hist.getValueAtPercentile(99), hist.getValueAtPercentile(99.9), judge, sustained, lastAfterSchedule / 1e9,
                    load.maxLagNs() / 1e6, load.p99LagNs() / 1e6, load.lateSends(), time, backlog, catchUpS);
            if (!system.endsWith("warm-up")) steps.add(s);
            String generator = load.maxLagNs() > PoissonLoad.LATE_NS
                    ? String.format("generator behind by %,.0f ms (%,d sends >10 ms late)", s.genMaxLagMs(), s.genLateSends())
                    : String.format("generator on schedule (max %.0f ms late)", s.genMaxLagMs());
            System.out.printf("%-16s λ=%,6.0f/s  sent %,7d  delivered %,7d  %,7.0f/s  p50 %7.1f  p99 %7.1f  p99.9 %7.1f ms  last %+6.2f s"
                            + "  %s  %s  %s%s%n",
                    system, lambda, n, delivered, s.achieved(), s.p50Us() / 1000.0, s.p99Us() / 1000.0, s.p999Us() / 1000.0,
                    s.lastAfterScheduleS(), time.line(), generator,
                    !judge ? "(not judged)" : sustained ? "sustained" : "NOT sustained: " + String.join("; ", why),
                    backlog > 0 ? String.format("  (store log %,d records behind, caught up in %.1f s)", backlog, s.storeCatchUpS()) : "");
            if (judge && !sustained || delivered < n) {
                // Let the backlog drain before anything else is measured.
                long drain = System.nanoTime() + 120_000_000_000L;
                while (receiver.received.get() - before < n && System.nanoTime() < drain) Thread.sleep(100);
                if (judge) break;
            }
        }
        return steps;
    }

    /** {@code events} events, each to {@code k} subscriptions: deliveries/s and the time until the last one arrived. */
    private static String fanOut(FastReceiver receiver, String broker, Path dir, int k, int events) throws Exception {
        writeSubscriptions(dir, receiver, k);
        Thread.sleep(2000); // the live reload picks it up
        long before = receiver.received.get();
        receiver.latencyUs.getIntervalHistogram();
        long t0 = System.nanoTime();
        try (var cf = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(broker);
             var c = cf.createConnection(); var s = c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE)) {
            var p = s.createProducer(s.createQueue("legacy.orders"));
            for (int i = 0; i < events; i++) {
                p.send(s.createTextMessage(PoissonLoad.order("F-" + k + "-" + i, "fan", System.nanoTime() / 1000)));
            }
        }
        long expected = (long) events * k;
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (receiver.received.get() - before < expected && System.nanoTime() < deadline) Thread.sleep(50);
        double seconds = (receiver.lastReceivedNanos - t0) / 1e9;
        Histogram hist = receiver.latencyUs.getIntervalHistogram();
        String line = String.format("fan-out to %,d subscriptions: %d events, %,d deliveries in %.2f s = %,.0f deliveries/s;"
                        + " latency p50 %.0f ms, p99 %.0f ms", k, events, receiver.received.get() - before, seconds,
                (receiver.received.get() - before) / seconds, hist.getValueAtPercentile(50) / 1000.0, hist.getValueAtPercentile(99) / 1000.0);
        System.out.println(line);
        writeSubscriptions(dir, receiver, 0);
        Thread.sleep(1000);
        return line;
    }

    private static double best(List<Step> steps) {
        if (steps == null) return 0;
        return steps.stream().filter(s -> s.judged() && s.sustained()).mapToDouble(Step::achieved).max().orElse(0);
    }

    /** How many 1 KB POSTs per second the receiver answers, from 16 keep-alive clients, for {@code seconds}. */
    private static double capacity(FastReceiver receiver, int seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        CountDownLatch finished = new CountDownLatch(16);
        try (CloseableHttpClient http = HttpClients.custom().setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(32).setMaxConnPerRoute(32).build()).build()) {
            for (int t = 0; t < 16; t++) {
                new Thread(() -> {
                    try {
                        while (System.nanoTime() < end) {
                            HttpPost post = new HttpPost(receiver.url("/capacity"));
                            post.setEntity(new StringEntity("{\"pad\":\"" + PoissonLoad.PAD + "\"}", ContentType.APPLICATION_JSON));
                            http.execute(post, r -> {
                                EntityUtils.consume(r.getEntity());
                                return null;
                            });
                            done.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    } finally {
                        finished.countDown();
                    }
                }).start();
            }
            finished.await();
        }
        return done.get() / (double) seconds;
    }
}
