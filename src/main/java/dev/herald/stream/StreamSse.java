package dev.herald.stream;

import dev.herald.event.Json;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * A stream as Server-Sent Events ({@code .../subscriptions/{id}/events/stream}): each event's
 * {@code id:} is its cursor, so a reconnecting EventSource resumes with {@code Last-Event-ID}; a
 * comment every herald.streams.keep-alive keeps proxies from closing the connection. SSE has no way
 * back: a broadcast consumer's position is committed when it reconnects with {@code Last-Event-ID}
 * (it has everything up to there) or through {@code POST .../events/commit}; a group's events are
 * held for the visibility timeout and must be committed through that call. Errors before the
 * stream starts are plain HTTP answers (an EventSource does not retry a 4xx).
 */
final class StreamSse {

    private final StreamHub hub;
    private final StreamAccess access;

    StreamSse(StreamHub hub, StreamAccess access) {
        this.hub = hub;
        this.access = access;
    }

    void handle(RoutingContext ctx, boolean partnerApi) {
        String id = ctx.pathParam("id");
        MultiMap params = ctx.request().params();
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        String header = ctx.request().getHeader("Authorization");
        Context context = ctx.vertx().getOrCreateContext();
        String resume = lastEventId == null || lastEventId.isEmpty() ? null : lastEventId;
        hub.work(context, () -> Opening.open(hub, access, header, id, partnerApi, params, "sse", false, resume), (o, error) -> {
            if (error != null) {
                StreamRoutes.problem(ctx, error);
                return;
            }
            HttpServerResponse r = ctx.response();
            if (r.closed()) {
                hub.left(o.target().partnerId());
                return;
            }
            r.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8").putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Accel-Buffering", "no");
            r.write("retry: 2000\n: herald stream " + o.target().id() + " consumer " + o.consumer() + "\n\n");
            new Connection(r, o, context).start();
        });
    }

    /** One SSE consumer. */
    private final class Connection extends Pusher {

        private final HttpServerResponse response;
        private final long keepAlive;

        Connection(HttpServerResponse response, Opening o, Context context) {
            super(StreamSse.this.hub, o.target(), o.consumer(), "sse", context, o.position());
            this.response = response;
            keepAlive = context.owner().setPeriodic(hub.settings.keepAlive().toMillis(), t -> {
                if (!response.writeQueueFull()) response.write(": keep-alive\n\n");
            });
            response.closeHandler(v -> end());
            response.exceptionHandler(e -> end());
        }

        private void end() {
            context.owner().cancelTimer(keepAlive);
            stop();
        }

        @Override
        boolean holds() {
            return target.group();
        }

        @Override
        int writableRoom() {
            return response.writeQueueFull() ? 0 : Integer.MAX_VALUE;
        }

        @Override
        void whenWritable(Runnable then) {
            response.drainHandler(v -> then.run());
        }

        @Override
        void send(String cursor, String frame) {
            // The id line is what a reconnecting EventSource sends back as Last-Event-ID.
            response.write("id: " + cursor + "\ndata: " + frame + "\n\n");
        }

        @Override
        void failed(Throwable error) {
            String detail = error instanceof Behind ? error.getMessage() : "Herald could not read the stream; reconnect to resume";
            response.write("event: herald-error\ndata: " + Json.MAPPER.createObjectNode().put("status", error instanceof Behind ? 410 : 503)
                    .put("detail", detail) + "\n\n");
            response.end();
            end();
        }

        @Override
        public void shutdown() {
            context.runOnContext(v -> {
                if (!response.ended()) response.end();
            });
        }
    }
}
