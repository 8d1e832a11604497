package dev.herald.stream;

import dev.herald.store.StreamQueries;
import dev.herald.store.Tx;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream consumers' writes (hand-overs, acknowledgements), many connections' in one store
 * transaction: what came while the last commit ran goes in the next, so a thousand consumers
 * acknowledging one event a second cost a few commits a second, not a thousand. Each caller hears
 * after the commit. A batch that fails is tried again one write at a time, so one bad write fails
 * only itself. One thread: writes from this instance never wait on each other's row locks.
 */
final class StreamWrites {

    private static final Logger LOG = LoggerFactory.getLogger(StreamWrites.class);
    private static final int MOST = 500;

    private record Write<T>(Tx.Work<T> work, Context context, BiConsumer<T, Throwable> then) {
        @SuppressWarnings("unchecked")
        void done(Object result, Throwable error) {
            context.runOnContext(v -> then.accept((T) result, error));
        }
    }

    private final StreamQueries queries;
    private final BlockingQueue<Write<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    StreamWrites(StreamQueries queries) {
        this.queries = queries;
        thread = new Thread(this::run, "herald-streams-writes");
        thread.setDaemon(true);
        thread.start();
    }

    <T> void write(Context context, Tx.Work<T> work, BiConsumer<T, Throwable> then) {
        if (!running) {
            context.runOnContext(v -> then.accept(null, new IllegalStateException("Herald is stopping")));
            return;
        }
        queue.add(new Write<>(work, context, then));
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join(5000);
    }

    private void run() {
        List<Write<?>> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Write<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, MOST - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Write<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        try {
            queries.transaction(c -> {
                results.clear();
                for (Write<?> w : batch) results.add(w.work().run(c));
                return null;
            });
            for (int i = 0; i < batch.size(); i++) batch.get(i).done(results.get(i), null);
        } catch (Exception e) {
            if (batch.size() == 1) {
                LOG.debug("A stream write failed: {}", e.toString());
                batch.get(0).done(null, e);
                return;
            }
            for (Write<?> w : batch) commit(List.of(w));
        }
    }
}
