package dev.herald.channel;

import dev.herald.deliver.AttemptOutcome;
import dev.herald.deliver.Delivery;
import dev.herald.deliver.WebhookSigner;
import dev.herald.net.AddressGuard;
import dev.herald.subscription.Subscription;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Signed webhooks (Standard Webhooks v1) over camel-http. */
final class WebhookChannel extends HttpChannel {

    WebhookChannel(String userAgent, int excerptBytes, Duration timeout, AddressGuard guard) {
        super(userAgent, excerptBytes, timeout, guard);
    }

    @Override
    public void prepare(Exchange exchange, Delivery d, Subscription s, byte[] payload, long now) {
        Message m = exchange.getMessage();
        long ts = now / 1000;
        m.setBody(payload);
        m.setHeader("webhook-id", d.id());
        m.setHeader("webhook-timestamp", Long.toString(ts));
        m.setHeader("webhook-signature", WebhookSigner.sign(d.id(), ts, payload, s.signingKeysAt(now)));
        target(m, s.url());
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
