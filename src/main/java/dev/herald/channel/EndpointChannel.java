package dev.herald.channel;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Any Camel endpoint URI; the attempt succeeds when the endpoint takes the message without an error. */
final class EndpointChannel implements Channel {

    private final Duration timeout;
    private final Targets targets;

    EndpointChannel(Duration timeout, Targets targets) {
        this.timeout = timeout;
        this.targets = targets;
    }

    @Override
    public void prepare(Exchange exchange, Call call) {
        String uri = call.settings().parameters().get("uri");
        var problems = targets.endpoint(uri);
        if (!problems.isEmpty()) throw new PermanentFailure(problems.get(0));
        Message m = exchange.getMessage();
        m.setBody(new String(call.payload(), StandardCharsets.UTF_8));
        m.setHeader("webhook-id", call.deliveryId());
        m.setHeader(Exchange.FILE_NAME, call.deliveryId() + ".json"); // a re-made attempt rewrites the same file
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.setProperty(TARGET, uri);
    }

    @Override
    public Answer answer(Exchange exchange, Throwable error, long now) {
        return Channel.takenOr(error, timeout, now);
    }
}
