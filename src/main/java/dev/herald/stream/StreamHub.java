package dev.herald.stream;

import dev.herald.store.StreamQueries;
import io.vertx.core.Context;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's live stream consumers (push connections and waiting long polls), what it knows of
 * each stream's head, and the threads that talk to the store for them. A consumer is woken when its
 * stream grows: at once when this instance's store writer appended, and within one
 * {@code herald.streams.head-poll} when another instance did (the heads of the streams with
 * consumers here are read from the store). Event-loop threads never wait on the store.
 */
public final class StreamHub extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);

    /** Something waiting on a stream: woken when it may have grown (or a group's leases may have run out). */
    interface Waiter {
        void wake();

        /** Herald is stopping: say so to the consumer and let go. */
        default void shutdown() {}
    }

    final StreamQueries queries;
    final StreamSettings settings;
    private final ConcurrentHashMap<String, Set<Waiter>> waiting = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> heads = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> perPartner = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    /** Made at once: the HTTP routes may take a request before this service has started. */
    private final ExecutorService store = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "herald-streams");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "herald-streams-heads");
        t.setDaemon(true);
        return t;
    });

    /** Hand-overs and acknowledgements, many connections' to a commit. */
    final StreamWrites writes;

    public StreamHub(StreamQueries queries, StreamSettings settings) {
        this.queries = queries;
        this.settings = settings;
        this.writes = new StreamWrites(queries);
    }

    @Override
    protected void doStart() {
        long every = settings.headPoll().toMillis();
        poller.scheduleWithFixedDelay(this::pollHeads, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        poller.shutdownNow();
        waiting.values().forEach(set -> set.forEach(Waiter::shutdown));
        waiting.clear();
        store.shutdown();
        store.awaitTermination(5, TimeUnit.SECONDS);
        writes.stop();
    }

    /** The store writer appended: each stream's last number now. */
    public void appended(Map<String, Long> lastNumbers) {
        lastNumbers.forEach(this::advance);
    }

    private void advance(String subscriptionId, long last) {
        AtomicLong head = heads.computeIfAbsent(subscriptionId, k -> new AtomicLong());
        long before = head.getAndAccumulate(last, Math::max);
        if (last > before) wake(subscriptionId);
    }

    private void wake(String subscriptionId) {
        Set<Waiter> set = waiting.get(subscriptionId);
        if (set != null) set.forEach(Waiter::wake);
    }

    /** Another instance's appends, and leases that ran out: read the heads of the streams consumed here. */
    private int polls;

    private void pollHeads() {
        try {
            if (waiting.isEmpty()) return;
            queries.heads(waiting.keySet()).forEach(this::advance);
            // About once a second, every waiter looks again: a group's leases run out without any append.
            if (++polls * settings.headPoll().toMillis() >= 1000) {
                polls = 0;
                waiting.keySet().forEach(this::wake);
            }
        } catch (Exception e) {
            LOG.debug("Could not read the streams' heads ({}); trying again", e.toString());
        }
    }

    /** A consumer committed through the polling API: its push connections here have that much more room. */
    void committed(String subscriptionId, String consumer, long seq) {
        Set<Waiter> set = waiting.get(subscriptionId);
        if (set == null) return;
        for (Waiter w : set) {
            if (w instanceof Pusher p && p.consumer.equals(consumer)) p.context.runOnContext(v -> p.acknowledged(seq));
        }
    }

    /** The last number this instance knows the stream has (0 when it knows none). */
    long head(String subscriptionId) {
        AtomicLong h = heads.get(subscriptionId);
        return h == null ? 0 : h.get();
    }

    void register(String subscriptionId, Waiter w) {
        waiting.computeIfAbsent(subscriptionId, k -> ConcurrentHashMap.newKeySet()).add(w);
    }

    void unregister(String subscriptionId, Waiter w) {
        waiting.computeIfPresent(subscriptionId, (k, set) -> {
            set.remove(w);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * A consumer's connection (or long poll) may start: false when its partner (or, for the
     * platform's streams, this instance) is at its limit. Each admitted one is {@link #left}.
     */
    boolean admit(String partnerId) {
        if (connections.incrementAndGet() > settings.maxConnections()) {
            connections.decrementAndGet();
            return false;
        }
        if (partnerId == null) return true;
        AtomicInteger n = perPartner.computeIfAbsent(partnerId, k -> new AtomicInteger());
        if (n.incrementAndGet() > settings.maxConnectionsPerPartner()) {
            n.decrementAndGet();
            connections.decrementAndGet();
            return false;
        }
        return true;
    }

    void left(String partnerId) {
        connections.decrementAndGet();
        if (partnerId != null) perPartner.computeIfPresent(partnerId, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Connections (and long polls) open now on this instance. */
    public int connections() {
        return connections.get();
    }

    /** Runs store work off the event loop; {@code then} runs on {@code context} with the result or the failure. */
    <T> void work(Context context, Callable<T> call, BiConsumer<T, Throwable> then) {
        try {
            store.execute(() -> {
                T result = null;
                Throwable error = null;
                try {
                    result = call.call();
                } catch (Throwable e) {
                    error = e;
                }
                T r = result;
                Throwable e = error;
                context.runOnContext(v -> then.accept(r, e));
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            context.runOnContext(v -> then.accept(null, e));
        }
    }
}
