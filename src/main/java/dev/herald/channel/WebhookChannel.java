package dev.herald.channel;

import dev.herald.net.AddressGuard;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Signed webhooks (Standard Webhooks v1) over HTTP. */
final class WebhookChannel extends HttpChannel {

    WebhookChannel(String userAgent, int excerptBytes, Duration timeout, AddressGuard guard, boolean strict) {
        super(userAgent, excerptBytes, timeout, guard, strict);
    }

    @Override
    public void prepare(Exchange exchange, Call call) {
        Message m = exchange.getMessage();
        long ts = call.now() / 1000;
        m.setBody(call.payload());
        m.setHeader("webhook-id", call.deliveryId());
        m.setHeader("webhook-timestamp", Long.toString(ts));
        m.setHeader("webhook-signature", WebhookSigner.sign(call.deliveryId(), ts, call.payload(), call.settings().signingKeysAt(call.now())));
        target(m, call.settings().url());
    }

    @Override
    public boolean carriesTraceContext() {
        return true;
    }

    @Override
    public Answer answer(Exchange exchange, Throwable error, long now) {
        done();
        if (error != null) return Channel.failed(error, timeout);
        Message m = exchange.getMessage();
        Integer status = HttpAnswers.status(m);
        return new Answer(AttemptOutcome.ofResponse(status, m.getHeader("Retry-After", String.class), m.getHeader("Location", String.class), now),
                status, HttpAnswers.excerpt(m, excerptBytes));
    }
}
