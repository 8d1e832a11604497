package dev.herald.stream;

import io.vertx.core.MultiMap;

/**
 * Where a push consumer (WebSocket, SSE) starts: its stream, its name, and (broadcast) the position
 * it reads after. Opening one takes a connection place, given back if the opening fails.
 */
record Opening(StreamAccess.Target target, String consumer, long position) {

    /**
     * @param ownName a group's consumer that gives no name gets one of its own (a WebSocket: each
     *                connection a worker); otherwise, and in a broadcast stream, it is {@code default}
     * @param resume          a cursor the client resumes from (Last-Event-ID), committed as handled; or null
     */
    static Opening open(StreamHub hub, StreamAccess access, String authorization, String id, boolean partnerApi, MultiMap params,
                        String transport, boolean ownName, String resume) throws Exception {
        StreamAccess.Target target = access.target(authorization, id, partnerApi);
        String consumer = StreamReads.consumer(params.get("consumer"),
                target.group() && ownName ? transport + "-" + java.util.UUID.randomUUID().toString().substring(0, 8) : "default");
        String after = params.get("after");
        if (target.group() && after != null) throw StreamPolling.groupHasNoPosition(target);
        if (!hub.admit(target.partnerId())) throw StreamRoutes.tooMany(target);
        try {
            long now = System.currentTimeMillis();
            var head = hub.queries.head(target.id());
            long committed = hub.queries.seen(target.id(), consumer, transport, now, head.trimmedThrough());
            if (target.group()) {
                hub.queries.release(target.id(), consumer); // reconnected: what it held comes again at once
                return new Opening(target, consumer, 0);
            }
            String from = resume != null ? resume : after;
            long position = from != null ? StreamReads.position(target.id(), from, head) : committed;
            StreamReads.requireKept(target.id(), position, head);
            if (resume != null) hub.queries.commit(target.id(), consumer, transport, position, now);
            return new Opening(target, consumer, position);
        } catch (Exception | Error e) {
            hub.left(target.partnerId());
            throw e;
        }
    }
}
