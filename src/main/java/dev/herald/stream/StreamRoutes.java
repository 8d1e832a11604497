package dev.herald.stream;

import dev.herald.event.Json;
import dev.herald.http.Auth;
import dev.herald.http.HttpProblem;
import dev.herald.http.HttpResponses;
import dev.herald.subscription.SubscriptionRegistry;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream routes, on the same HTTP server as the REST API but as Vert.x handlers: a WebSocket,
 * an event stream and a long poll hold their connection open, which a Camel REST route (one
 * exchange, one answer, a worker thread each) cannot do without a thread per consumer. Each is
 * under {@code /partner/v1} (a partner's key, its own streams) and {@code /api} (an admin key).
 */
public final class StreamRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(StreamRoutes.class);
    /** Before the REST routes, after the request guard (Integer.MIN_VALUE). */
    private static final int ORDER = -1000;

    private final StreamSocket socket;
    private final StreamSse sse;
    private final StreamPolling polling;

    public StreamRoutes(StreamHub hub, Auth auth, SubscriptionRegistry registry) {
        StreamAccess access = new StreamAccess(auth, registry);
        socket = new StreamSocket(hub, access);
        sse = new StreamSse(hub, access);
        polling = new StreamPolling(hub, access);
    }

    public void install(Router router) {
        for (boolean partnerApi : new boolean[] {true, false}) {
            String base = (partnerApi ? "/partner/v1" : "/api") + "/subscriptions/:id";
            router.get(base + "/ws").order(ORDER).handler(ctx -> socket.handle(ctx, partnerApi));
            router.get(base + "/events/stream").order(ORDER).handler(ctx -> sse.handle(ctx, partnerApi));
            router.get(base + "/events").order(ORDER).handler(ctx -> polling.poll(ctx, partnerApi));
            router.post(base + "/events/commit").order(ORDER).handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
                    .handler(ctx -> polling.commit(ctx, partnerApi));
            router.get(base + "/consumers").order(ORDER).handler(ctx -> polling.consumers(ctx, partnerApi));
        }
    }

    static HttpProblem tooMany(StreamAccess.Target target) {
        return new HttpProblem(429, target.partnerId() == null
                ? "this Herald instance has as many stream connections as it takes (herald.streams.max-connections); try another instance or later"
                : "you have as many stream connections open on this instance as partners may (herald.streams.max-connections-per-partner);"
                        + " close one, or share a connection between consumers");
    }

    /** An error as problem+json; one that is not an HttpProblem is Herald's own, logged and answered 503. */
    static void problem(RoutingContext ctx, Throwable error) {
        int status;
        String detail;
        if (error instanceof HttpProblem p) {
            status = p.status();
            detail = p.getMessage();
        } else {
            LOG.warn("A stream request failed: {}", error.toString());
            status = 503;
            detail = "Herald could not reach its store for this stream; try again";
        }
        if (ctx.response().ended() || ctx.response().closed()) return;
        ctx.request().resume();
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                .end(Json.string(HttpResponses.problemBody(status, detail)));
    }
}
