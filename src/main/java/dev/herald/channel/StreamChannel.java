package dev.herald.channel;

import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;

/**
 * A stream: the delivery is kept in the store for the subscription's consumers instead of being
 * sent. Its "call" is the append, made by the store writer from the attempt's record in the same
 * broker transaction that acknowledges the delivery; so the attempt always succeeds here.
 */
final class StreamChannel implements Channel {

    @Override
    public void prepare(Exchange exchange, Call call) {
        exchange.getMessage().setBody(new String(call.payload(), StandardCharsets.UTF_8));
    }

    @Override
    public boolean kept() {
        return true;
    }

    @Override
    public Answer answer(Exchange exchange, Throwable error, long now) {
        return new Answer(AttemptOutcome.ofResponse(200, null, null, now), null, null);
    }
}
