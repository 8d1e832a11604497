package dev.herald.channel;

import com.schibsted.spt.data.jslt.Expression;
import dev.herald.net.AddressGuard;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Slack incoming webhooks over HTTP; Slack says what went wrong in the body. */
final class SlackChannel extends HttpChannel {

    SlackChannel(String userAgent, int excerptBytes, Duration timeout, AddressGuard guard) {
        super(userAgent, excerptBytes, timeout, guard, false);
    }

    /** Without a transform, Slack gets a short Block Kit summary of the event. */
    @Override
    public Expression defaultShape() {
        return SlackMessages.DEFAULT;
    }

    @Override
    public void prepare(Exchange exchange, Call call) {
        exchange.getMessage().setBody(call.payload());
        target(exchange.getMessage(), call.settings().url());
    }

    @Override
    public Answer answer(Exchange exchange, Throwable error, long now) {
        done();
        if (error != null) return Channel.failed(error, timeout);
        Message m = exchange.getMessage();
        Integer status = HttpAnswers.status(m);
        String excerpt = HttpAnswers.excerpt(m, excerptBytes);
        return new Answer(AttemptOutcome.ofSlack(status, excerpt, m.getHeader("Retry-After", String.class), now), status, excerpt);
    }
}
