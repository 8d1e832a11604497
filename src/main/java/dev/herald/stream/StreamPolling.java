package dev.herald.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.event.Json;
import dev.herald.http.HttpProblem;
import dev.herald.store.StreamQueries;
import dev.herald.subscription.Durations;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;

/**
 * A stream by polling: {@code GET .../events?after=&limit=&wait=&consumer=} answers a page and the
 * next cursor (a long poll with {@code wait} answers as soon as there is something, or empty when
 * the wait is over); {@code POST .../events/commit} commits a consumer's position (broadcast) or
 * acknowledges what it holds up to a cursor (group). Reading commits nothing. Also the stream's
 * view: {@code GET .../consumers}.
 */
final class StreamPolling {

    static final int LARGEST_PAGE = 1000;

    private final StreamHub hub;
    private final StreamAccess access;

    StreamPolling(StreamHub hub, StreamAccess access) {
        this.hub = hub;
        this.access = access;
    }

    /** A poll's start: the stream, the consumer, where it reads from, how many, how long it may wait. */
    private record Poll(StreamAccess.Target target, String consumer, long position, int limit, long waitMillis) {}

    void poll(RoutingContext ctx, boolean partnerApi) {
        String id = ctx.pathParam("id");
        MultiMap params = ctx.request().params();
        String header = ctx.request().getHeader("Authorization");
        Context context = ctx.vertx().getOrCreateContext();
        hub.work(context, () -> {
            Poll p = start(header, id, partnerApi, params);
            return new Object[] {p, take(p)};
        }, (r, error) -> {
            if (error != null) {
                StreamRoutes.problem(ctx, error);
                return;
            }
            Poll p = (Poll) r[0];
            @SuppressWarnings("unchecked")
            List<StreamQueries.Item> items = (List<StreamQueries.Item>) r[1];
            if (!items.isEmpty() || p.waitMillis() == 0) {
                answer(ctx, p, items);
                return;
            }
            new LongPoll(ctx, p, context).begin();
        });
    }

    private Poll start(String header, String id, boolean partnerApi, MultiMap params) throws Exception {
        StreamAccess.Target target = access.target(header, id, partnerApi);
        String consumer = StreamReads.consumer(params.get("consumer"), "default");
        int limit = StreamReads.limit(params.get("limit"), LARGEST_PAGE);
        long waitMillis = StreamReads.wait(params.get("wait"), hub.settings.longestWait()).toMillis();
        long now = System.currentTimeMillis();
        var head = hub.queries.head(target.id());
        long committed = hub.queries.seen(target.id(), consumer, "polling", now, head.trimmedThrough());
        String after = params.get("after");
        if (target.group()) {
            if (after != null) throw groupHasNoPosition(target);
            return new Poll(target, consumer, 0, limit, waitMillis);
        }
        long position = after != null ? StreamReads.position(target.id(), after, head) : committed;
        StreamReads.requireKept(target.id(), position, head);
        return new Poll(target, consumer, position, limit, waitMillis);
    }

    static HttpProblem groupHasNoPosition(StreamAccess.Target target) {
        return new HttpProblem(400, "'" + target.id() + "' is a consumer group's stream: each read takes events no consumer holds,"
                + " so there is no position to read after; leave out after (and Last-Event-ID)");
    }

    private List<StreamQueries.Item> take(Poll p) throws Exception {
        long now = System.currentTimeMillis();
        if (p.target().group()) {
            return hub.queries.lease(p.target().id(), p.consumer(), "polling", p.limit(), now, hub.settings.visibility().toMillis());
        }
        StreamQueries.Head head = hub.queries.head(p.target().id());
        StreamReads.requireKept(p.target().id(), p.position(), head);
        List<StreamQueries.Item> items = hub.queries.after(p.target().id(), p.position(), p.limit());
        hub.queries.handed(p.target().id(), p.consumer(), "polling", items, now);
        return items;
    }

    private void answer(RoutingContext ctx, Poll p, List<StreamQueries.Item> items) {
        if (ctx.response().closed()) return;
        ObjectNode body = Json.MAPPER.createObjectNode();
        ArrayNode events = body.putArray("events");
        long last = p.position();
        for (StreamQueries.Item i : items) {
            events.add(Frames.event(p.target().id(), i));
            last = Math.max(last, i.seq());
        }
        body.put("consumer", p.consumer());
        if (p.target().group()) {
            body.put("visibleUntil", Instant.ofEpochMilli(System.currentTimeMillis() + hub.settings.visibility().toMillis()).toString());
        } else {
            body.put("next", StreamCursor.of(p.target().id(), last));
        }
        ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(body.toString());
    }

    /** A poll with nothing to answer yet: woken when the stream grows, answered empty when its wait is over. */
    private final class LongPoll implements StreamHub.Waiter {

        private final RoutingContext ctx;
        private final Poll poll;
        private final Context context;
        private long timer;
        private boolean looking;
        private boolean done;

        LongPoll(RoutingContext ctx, Poll poll, Context context) {
            this.ctx = ctx;
            this.poll = poll;
            this.context = context;
        }

        void begin() {
            if (!hub.admit(poll.target().partnerId())) {
                StreamRoutes.problem(ctx, StreamRoutes.tooMany(poll.target()));
                return;
            }
            hub.register(poll.target().id(), this);
            timer = context.owner().setTimer(poll.waitMillis(), t -> finish(List.of()));
            ctx.response().closeHandler(v -> finish(null));
            look(); // it may have grown between the first look and now
        }

        @Override
        public void wake() {
            context.runOnContext(v -> look());
        }

        @Override
        public void shutdown() {
            context.runOnContext(v -> finish(List.of()));
        }

        private void look() {
            if (done || looking) return;
            if (!poll.target().group() && hub.head(poll.target().id()) <= poll.position()) return;
            looking = true;
            hub.work(context, () -> take(poll), (items, error) -> {
                looking = false;
                if (error != null) {
                    if (!done) {
                        done = true;
                        release();
                        StreamRoutes.problem(ctx, error);
                    }
                    return;
                }
                if (!items.isEmpty()) finish(items);
            });
        }

        private void finish(List<StreamQueries.Item> items) {
            if (done) return;
            done = true;
            release();
            if (items != null) answer(ctx, poll, items);
        }

        private void release() {
            context.owner().cancelTimer(timer);
            hub.unregister(poll.target().id(), this);
            hub.left(poll.target().partnerId());
        }
    }

    void commit(RoutingContext ctx, boolean partnerApi) {
        String id = ctx.pathParam("id");
        String header = ctx.request().getHeader("Authorization");
        String text = ctx.body() == null ? null : ctx.body().asString();
        Context context = ctx.vertx().getOrCreateContext();
        hub.work(context, () -> {
            StreamAccess.Target target = access.target(header, id, partnerApi);
            JsonNode body;
            try {
                body = text == null || text.isBlank() ? null : Json.tree(text);
            } catch (RuntimeException e) {
                body = null;
            }
            if (body == null || !body.path("cursor").isTextual()) {
                throw new HttpProblem(400, "send {\"cursor\": \"...\", \"consumer\": \"...\"}: the cursor of the last event you have handled");
            }
            String consumer = StreamReads.consumer(body.path("consumer").asText(null), "default");
            String cursor = body.get("cursor").asText();
            var head = hub.queries.head(target.id());
            long seq;
            try {
                seq = StreamCursor.seq(target.id(), cursor);
            } catch (IllegalArgumentException e) {
                throw new HttpProblem(400, e.getMessage());
            }
            if (seq > head.last()) throw new HttpProblem(400, "the cursor is ahead of the stream (a cursor Herald gave never is)");
            long now = System.currentTimeMillis();
            ObjectNode out = Json.MAPPER.createObjectNode().put("consumer", consumer);
            if (target.group()) {
                out.put("acknowledged", hub.queries.ackThrough(target.id(), consumer, "polling", seq, now));
            } else {
                out.put("committed", StreamCursor.of(target.id(), hub.queries.commit(target.id(), consumer, "polling", seq, now)));
            }
            hub.committed(target.id(), consumer, seq);
            return out;
        }, (out, error) -> {
            if (error != null) StreamRoutes.problem(ctx, error);
            else ctx.response().putHeader("Content-Type", "application/json").end(out.toString());
        });
    }

    /** The stream's view: its head, what is unacknowledged, its retention, and each consumer with its cursor and lag. */
    void consumers(RoutingContext ctx, boolean partnerApi) {
        String id = ctx.pathParam("id");
        String header = ctx.request().getHeader("Authorization");
        Context context = ctx.vertx().getOrCreateContext();
        hub.work(context, () -> {
            StreamAccess.Target target = access.target(header, id, partnerApi);
            var head = hub.queries.head(target.id());
            ObjectNode out = Json.MAPPER.createObjectNode().put("subscription", target.id())
                    .put("mode", target.group() ? "group" : "broadcast")
                    .put("head", StreamCursor.of(target.id(), head.last()))
                    .put("oldest", StreamCursor.of(target.id(), head.trimmedThrough()))
                    .put("unacknowledged", hub.queries.unacknowledged(target.id()))
                    .put("retention", Durations.format(hub.settings.retention()));
            ArrayNode list = out.putArray("consumers");
            for (StreamQueries.Consumer c : hub.queries.consumers(target.id(), target.group())) {
                list.addObject().put("name", c.name()).put("cursor", StreamCursor.of(target.id(), c.position()))
                        .put("transport", c.transport()).put("seenAt", Instant.ofEpochMilli(c.seenAt()).toString())
                        .put("lag", c.lag()).put("behindRetention", !target.group() && c.position() < head.trimmedThrough());
            }
            return out;
        }, (out, error) -> {
            if (error != null) StreamRoutes.problem(ctx, error);
            else ctx.response().putHeader("Content-Type", "application/json").end(out.toString());
        });
    }
}
