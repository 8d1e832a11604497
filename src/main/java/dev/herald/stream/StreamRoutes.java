package dev.herald.stream;

import dev.herald.event.Json;
import dev.herald.http.Auth;
import dev.herald.http.HttpProblem;
import dev.herald.http.HttpResponses;
import dev.herald.subscription.SubscriptionRegistry;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
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

    /** One stream operation: its method, its path under a subscription, its OpenAPI operation ids (partner API, admin API). */
    public record Operation(String method, String path, String partnerId, String adminId) {
        /** The path in OpenAPI's form. */
        public String openApiPath(boolean partnerApi) {
            return (partnerApi ? "/partner/v1" : "/api") + "/subscriptions/{id}" + path;
        }
    }

    /** What the stream routes serve; the OpenAPI document describes each (ApiContractTest). */
    public static final List<Operation> OPERATIONS = List.of(
            new Operation("get", "/ws", "openPartnerStreamSocket", "openStreamSocket"),
            new Operation("get", "/events/stream", "streamPartnerEvents", "streamEvents"),
            new Operation("get", "/events", "pollPartnerStream", "pollStream"),
            new Operation("post", "/events/commit", "commitPartnerStream", "commitStream"),
            new Operation("get", "/consumers", "getPartnerStreamConsumers", "getStreamConsumers"));

    public void install(Router router) {
        Map<String, java.util.function.BiConsumer<RoutingContext, Boolean>> handlers = Map.of(
                "/ws", socket::handle, "/events/stream", sse::handle, "/events", polling::poll,
                "/events/commit", polling::commit, "/consumers", polling::consumers);
        for (boolean partnerApi : new boolean[] {true, false}) {
            for (Operation op : OPERATIONS) {
                String path = op.openApiPath(partnerApi).replace("{id}", ":id");
                var handler = handlers.get(op.path());
                Route route = router.route(HttpMethod.valueOf(op.method().toUpperCase(java.util.Locale.ROOT)), path).order(ORDER);
                if (op.method().equals("post")) route.handler(BodyHandler.create(false).setBodyLimit(16 * 1024));
                route.handler(ctx -> handler.accept(ctx, partnerApi));
            }
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
