package dev.herald.dispatch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Event ids that JMS ingress threads hold past their route's end, until their transaction is over
 * ({@link InlineDispatch}). A thread's holds belong to the source message it is working on: they
 * are let go when the thread starts on another message (by when the previous one's transaction is
 * over), and a route that accepts several events from one message (a split) keeps them all until
 * then. {@link #sweep} lets go of what an idle thread has held too long. Each hold is let go once.
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

    /** What one thread holds, for which source message. */
    private static final class Mine {
        Object source;
        final List<Hold> holds = new ArrayList<>();
    }

    private final ThreadLocal<Mine> mine = ThreadLocal.withInitial(Mine::new);
    private final ConcurrentLinkedQueue<Hold> all = new ConcurrentLinkedQueue<>();

    /** The thread is working on {@code source} (a message's identity): what it held for another is let go. */
    void working(Object source) {
        Mine m = mine.get();
        if (source.equals(m.source)) return;
        for (Hold h : m.holds) h.release();
        m.holds.clear();
        m.source = source;
    }

    /** This thread holds these for its current source message, until it works on another (or a sweep). */
    void hold(Runnable release) {
        Hold h = new Hold(release);
        mine.get().holds.add(h);
        all.add(h);
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
