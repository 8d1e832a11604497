package dev.herald.stream;

import dev.herald.store.StreamQueries;
import io.vertx.core.Context;
import java.util.List;
import java.util.TreeMap;

/**
 * One push consumer (a WebSocket or an SSE connection): takes pages of its stream from the store as
 * the stream grows and as its window frees, and hands them to the connection. It never holds more
 * than a window: at most {@code herald.streams.window} events handed and not acknowledged (and, for
 * SSE, none while the connection's write queue is full). Everything runs on the connection's event
 * loop except the store calls.
 */
abstract class Pusher implements StreamHub.Waiter {

    /** A broadcast consumer's position is behind what retention has kept. */
    static final class Behind extends RuntimeException {
        Behind(String detail) {
            super(detail);
        }
    }

    final StreamHub hub;
    final StreamAccess.Target target;
    final String consumer;
    final String transport;
    final Context context;
    /** Handed and not yet acknowledged: number to when its lease runs out (group) or 0 (broadcast). */
    final TreeMap<Long, Long> outstanding = new TreeMap<>();
    /** Broadcast: the last number handed to this connection. */
    long sent;
    private boolean fetching;
    private boolean first = true;
    boolean closed;

    Pusher(StreamHub hub, StreamAccess.Target target, String consumer, String transport, Context context, long position) {
        this.hub = hub;
        this.target = target;
        this.consumer = consumer;
        this.transport = transport;
        this.context = context;
        this.sent = position;
    }

    void start() {
        hub.register(target.id(), this);
        fetch();
    }

    /** Lets go: no more fetches, the hub forgets it. */
    void stop() {
        if (closed) return;
        closed = true;
        hub.unregister(target.id(), this);
        hub.left(target.partnerId());
    }

    @Override
    public void wake() {
        context.runOnContext(v -> fetch());
    }

    /** How many more it may hand now. */
    int room() {
        if (target.group()) {
            long now = System.currentTimeMillis();
            outstanding.values().removeIf(until -> until > 0 && until < now); // ran out: another may take them
        }
        return hub.settings.window() - outstanding.size();
    }

    /** Takes the next page if there may be one and there is room. */
    void fetch() {
        if (closed || fetching) return;
        if (writableRoom() <= 0) {
            whenWritable(this::fetch);
            return;
        }
        int room = Math.min(room(), writableRoom());
        if (room <= 0) return;
        if (!target.group() && !first && hub.head(target.id()) <= sent) return;
        first = false;
        fetching = true;
        long from = sent;
        hub.work(context, () -> take(from, room), (items, error) -> {
            fetching = false;
            if (closed) return;
            if (error != null) {
                failed(error);
                return;
            }
            long now = System.currentTimeMillis();
            for (StreamQueries.Item i : items) {
                if (holds()) outstanding.put(i.seq(), target.group() ? now + hub.settings.visibility().toMillis() : 0L);
                if (i.seq() > sent) sent = i.seq();
                send(StreamCursor.of(target.id(), i.seq()), Frames.event(target.id(), i).toString());
            }
            if (items.size() == room || !target.group() && hub.head(target.id()) > sent) fetch();
        });
    }

    private List<StreamQueries.Item> take(long from, int room) throws Exception {
        long now = System.currentTimeMillis();
        if (target.group()) {
            return hub.queries.lease(target.id(), consumer, transport, room, now, hub.settings.visibility().toMillis());
        }
        List<StreamQueries.Item> items = hub.queries.after(target.id(), from, room);
        // Numbers have no gaps but what retention removed: only then is the head worth a look.
        if (items.isEmpty() ? hub.head(target.id()) > from : items.get(0).seq() != from + 1) {
            StreamQueries.Head head = hub.queries.head(target.id());
            if (from < head.trimmedThrough()) throw new Behind(StreamReads.behind(target.id(), from, head));
        }
        handed(items, now);
        return items;
    }

    /**
     * Records the hand-overs, with other connections' in one commit, without waiting for it: a
     * hand-over lost to a crash was never acknowledged, so the event is handed (and recorded) again.
     */
    void handed(List<StreamQueries.Item> items, long now) {
        if (items.isEmpty()) return;
        hub.writes.write(context, c -> hub.queries.handed(c, target.id(), consumer, transport, items, now), (r, error) -> { });
    }

    /** The consumer acknowledged {@code seq} and everything before it; done once the store has it. */
    void acknowledged(long seq) {
        outstanding.headMap(seq, true).clear();
        fetch();
    }

    /** Whether what it hands counts against its window until acknowledged (not an SSE broadcast: it has no acks). */
    boolean holds() {
        return true;
    }

    /** What the connection's buffers take now (SSE: nothing while its write queue is full). */
    abstract int writableRoom();

    /** Calls {@code then} once the connection's write queue has drained. */
    abstract void whenWritable(Runnable then);

    /** Hands one event: its cursor and its frame. */
    abstract void send(String cursor, String frame);

    abstract void failed(Throwable error);
}
