package dev.herald.dispatch;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Event ids that JMS ingress threads hold past their route's end, until their transaction is over
 * ({@link InlineDispatch}): a thread lets its own go when it takes its next message, and
 * {@link #sweep} lets go of those an idle thread has held too long. Each hold is let go once.
 */
final class HeldIds {

    private static final class Hold {
        final long since = System.currentTimeMillis();
        final Runnable release;
        final AtomicBoolean done = new AtomicBoolean();

        Hold(Runnable release) {
            this.release = release;
        }

        void release() {
            if (done.compareAndSet(false, true)) release.run();
        }
    }

    private final ThreadLocal<Hold> mine = new ThreadLocal<>();
    private final ConcurrentLinkedQueue<Hold> all = new ConcurrentLinkedQueue<>();

    /** This thread holds these until its next {@link #releaseMine} (or a sweep). */
    void hold(Runnable release) {
        Hold h = new Hold(release);
        mine.set(h);
        all.add(h);
    }

    void releaseMine() {
        Hold h = mine.get();
        if (h == null) return;
        mine.remove();
        h.release();
    }

    /** Lets go of holds older than this; forgets those already let go. */
    void sweep(long olderThanMillis) {
        long before = System.currentTimeMillis() - olderThanMillis;
        for (Iterator<Hold> it = all.iterator(); it.hasNext(); ) {
            Hold h = it.next();
            if (h.done.get()) {
                it.remove();
            } else if (h.since < before) {
                h.release();
                it.remove();
            }
        }
    }

    /** Holds not let go yet (tests). */
    int held() {
        return (int) all.stream().filter(h -> !h.done.get()).count();
    }
}
