package dev.herald.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.event.Json;
import dev.herald.http.HttpProblem;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;

/**
 * A stream over WebSocket ({@code .../subscriptions/{id}/ws}). The key comes in the upgrade's
 * {@code Authorization} header, or (for clients that cannot set headers) as the first message,
 * {@code {"type":"auth","key":"..."}}, within herald.streams.auth-timeout. The server pushes
 * {@code {"type":"event",...}} frames; the client sends {@code {"type":"ack","cursor":"..."}}, which
 * acknowledges that event and every earlier one it was handed, and is answered
 * {@code {"type":"acked","cursor":"..."}} once the store has it (acknowledgements that come while
 * one is being stored are stored together, answered with the last). Close codes: 4400 a bad message,
 * 4401/4403/4404/4409/4410/4429 as the HTTP statuses, 4408 idle, 1001 Herald stopping.
 */
final class StreamSocket {

    private final StreamHub hub;
    private final StreamAccess access;

    StreamSocket(StreamHub hub, StreamAccess access) {
        this.hub = hub;
        this.access = access;
    }

    void handle(RoutingContext ctx, boolean partnerApi) {
        String id = ctx.pathParam("id");
        MultiMap params = ctx.request().params();
        Context context = ctx.vertx().getOrCreateContext();
        String header = ctx.request().getHeader("Authorization");
        if (header == null && access.needsKey(partnerApi)) {
            ctx.request().toWebSocket().onSuccess(ws -> awaitKey(ws, id, partnerApi, params, context));
            return;
        }
        // Answered before the upgrade when it fails: a client sees 401, 404 or 429 as a status.
        ctx.request().pause();
        hub.work(context, () -> Opening.open(hub, access, header, id, partnerApi, params, "websocket", true, null), (opening, error) -> {
            if (error != null) {
                StreamRoutes.problem(ctx, error);
                return;
            }
            ctx.request().toWebSocket()
                    .onSuccess(ws -> run(ws, opening, context))
                    .onFailure(e -> hub.left(opening.target().partnerId()));
        });
    }

    /** No header: the first message must be the key. */
    private void awaitKey(ServerWebSocket ws, String id, boolean partnerApi, MultiMap params, Context context) {
        long timer = context.owner().setTimer(hub.settings.authTimeout().toMillis(),
                t -> close(ws, 4401, "no key within " + hub.settings.authTimeout().toSeconds() + " s: send {\"type\":\"auth\",\"key\":\"...\"} first"));
        ws.textMessageHandler(text -> {
            ws.textMessageHandler(null);
            context.owner().cancelTimer(timer);
            JsonNode m = parse(text);
            if (m == null || !"auth".equals(m.path("type").asText()) || !m.path("key").isTextual()) {
                close(ws, 4401, "the first message must be {\"type\":\"auth\",\"key\":\"...\"} (or send the key as Authorization: Bearer)");
                return;
            }
            hub.work(context, () -> Opening.open(hub, access, "Bearer " + m.get("key").asText(), id, partnerApi, params, "websocket",
                    true, null), (opening, error) -> {
                if (error != null) {
                    int status = error instanceof HttpProblem p ? p.status() : 500;
                    close(ws, 4000 + status, error instanceof HttpProblem ? error.getMessage() : "Herald could not open the stream");
                    return;
                }
                run(ws, opening, context);
            });
        });
        ws.closeHandler(v -> context.owner().cancelTimer(timer));
    }

    /** Checks the key and the subscription, takes a connection place, and finds where to start (store calls: off the loop). */
    private void run(ServerWebSocket ws, Opening o, Context context) {
        if (ws.isClosed()) {
            hub.left(o.target().partnerId());
            return;
        }
        Connection c = new Connection(ws, o, context);
        ObjectNode hello = Json.MAPPER.createObjectNode().put("type", "hello").put("subscription", o.target().id())
                .put("consumer", o.consumer()).put("mode", o.target().group() ? "group" : "broadcast")
                .put("window", hub.settings.window());
        if (!o.target().group()) hello.put("cursor", StreamCursor.of(o.target().id(), o.position()));
        ws.writeTextMessage(hello.toString());
        c.start();
    }

    /** One WebSocket consumer. */
    private final class Connection extends Pusher {

        private final ServerWebSocket ws;
        private long heard = System.currentTimeMillis();
        private final long ticker;

        Connection(ServerWebSocket ws, Opening o, Context context) {
            super(StreamSocket.this.hub, o.target(), o.consumer(), "websocket", context, o.position());
            this.ws = ws;
            long every = Math.max(1000, hub.settings.idleTimeout().toMillis() / 3);
            ticker = context.owner().setPeriodic(every, t -> tick());
            ws.textMessageHandler(this::message);
            ws.pongHandler(b -> heard = System.currentTimeMillis());
            ws.closeHandler(v -> {
                context.owner().cancelTimer(ticker);
                stop();
            });
            ws.exceptionHandler(e -> ws.close());
        }

        private void tick() {
            if (System.currentTimeMillis() - heard > hub.settings.idleTimeout().toMillis()) {
                close(ws, 4408, "nothing heard for " + hub.settings.idleTimeout().toSeconds() + " s (answer pings, or send acks)");
            } else {
                ws.writePing(io.vertx.core.buffer.Buffer.buffer("herald"));
            }
        }

        private void message(String text) {
            heard = System.currentTimeMillis();
            JsonNode m = parse(text);
            String type = m == null ? null : m.path("type").asText();
            if (!"ack".equals(type) || !m.path("cursor").isTextual()) {
                error(400, "send {\"type\":\"ack\",\"cursor\":\"...\"} to acknowledge an event and those before it");
                return;
            }
            String cursor = m.get("cursor").asText();
            long seq;
            try {
                seq = StreamCursor.seq(target.id(), cursor);
            } catch (IllegalArgumentException e) {
                error(400, e.getMessage());
                return;
            }
            if (!outstanding.containsKey(seq) && (target.group() || seq > sent)) {
                error(400, "cursor " + cursor + " is not one this connection was handed and has not acknowledged");
                return;
            }
            if (storing) {
                // One store at a time: what comes meanwhile is stored together, as the highest one.
                if (seq > waitingSeq) {
                    waitingSeq = seq;
                    waitingCursor = cursor;
                }
                return;
            }
            store(seq, cursor);
        }

        private boolean storing;
        private long waitingSeq = -1;
        private String waitingCursor;

        private void store(long seq, String cursor) {
            storing = true;
            long now = System.currentTimeMillis();
            hub.writes.write(context, c -> target.group()
                    ? (Object) hub.queries.ackThrough(c, target.id(), consumer, transport, seq, now)
                    : (Object) hub.queries.commit(c, target.id(), consumer, transport, seq, now), (r, error) -> {
                storing = false;
                if (closed) return;
                if (error != null) {
                    error(503, "the acknowledgement could not be stored; send it again");
                } else {
                    ws.writeTextMessage(Json.MAPPER.createObjectNode().put("type", "acked").put("cursor", cursor).toString());
                    acknowledged(seq);
                }
                if (waitingSeq >= 0) {
                    long next = waitingSeq;
                    waitingSeq = -1;
                    store(next, waitingCursor);
                }
            });
        }

        private void error(int status, String detail) {
            ws.writeTextMessage(Json.MAPPER.createObjectNode().put("type", "error").put("status", status).put("detail", detail).toString());
        }

        @Override
        int writableRoom() {
            return ws.writeQueueFull() ? 0 : Integer.MAX_VALUE;
        }

        @Override
        void whenWritable(Runnable then) {
            ws.drainHandler(v -> then.run());
        }

        @Override
        void send(String cursor, String frame) {
            ws.writeTextMessage("{\"type\":\"event\"," + frame.substring(1));
        }

        @Override
        void failed(Throwable error) {
            if (error instanceof Behind) close(ws, 4410, error.getMessage());
            else close(ws, 1011, "Herald could not read the stream; reconnect to resume from your cursor");
        }

        @Override
        public void shutdown() {
            context.runOnContext(v -> close(ws, 1001, "Herald is stopping; reconnect to resume from your cursor"));
        }
    }

    private static JsonNode parse(String text) {
        try {
            return text.length() > 4096 ? null : Json.tree(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Closes with a code and a reason (a close frame's reason is at most 123 bytes). */
    private static void close(ServerWebSocket ws, int code, String reason) {
        if (ws.isClosed()) return;
        ws.writeTextMessage(Json.MAPPER.createObjectNode().put("type", "error").put("status", code >= 4000 && code < 5000 ? code - 4000 : 503)
                .put("detail", reason).toString());
        byte[] b = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ws.close((short) code, b.length <= 123 ? reason : new String(b, 0, 120, java.nio.charset.StandardCharsets.UTF_8));
    }
}
