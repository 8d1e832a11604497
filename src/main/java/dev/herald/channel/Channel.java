package dev.herald.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.schibsted.spt.data.jslt.Expression;
import java.time.Duration;
import org.apache.camel.Exchange;

/**
 * One delivery channel: how a delivery becomes the request the deliver stage sends (body, headers,
 * and the exchange properties it reads), and how the channel's answer reads as an attempt outcome.
 */
public interface Channel {

    /** The exchange property a URI channel (not {@link #viaHttp}) puts its endpoint in: the deliver route sends there. */
    String TARGET = "heraldTarget";

    /** The addresses an HTTP channel checked for its request's host: the connection goes there, with no second lookup. */
    String ADDRESSES = "heraldAddresses";

    /**
     * One attempt to make: the delivery's id (the partner's {@code webhook-id}), the event, the
     * subscription's channel settings, and what to send ({@code payload}: the event, or the
     * subscription's transform of it).
     */
    record Call(String deliveryId, JsonNode event, ChannelSettings settings, byte[] payload, long now) {
        /** The event's id: the Kafka record's key when it has no ordering key. */
        public String eventId() {
            return event.path("id").asText();
        }
    }

    /**
     * Sets the message up for the call.
     *
     * @throws PermanentFailure when no attempt can succeed for this event (a template that fails on it)
     */
    void prepare(Exchange exchange, Call call);

    /** The payload shape when the subscription declares no transform: null sends the event itself. */
    default Expression defaultShape() {
        return null;
    }

    /** True: the message is an HTTP request to its CamelHttpUri header; false: sent to the endpoint in {@link #TARGET}. */
    default boolean viaHttp() {
        return false;
    }

    /**
     * True for a channel whose deliveries are kept for consumers to take (the stream): nothing is
     * called; the delivery's payload goes to the store with its attempt record, which appends it to
     * the subscription's stream.
     */
    default boolean kept() {
        return false;
    }

    /** Whether the request carries the attempt's W3C trace context (a header the receiver can read). */
    default boolean carriesTraceContext() {
        return false;
    }

    /** The answer: {@code error} is what the call threw, or null when it returned. */
    Answer answer(Exchange exchange, Throwable error, long now);

    /** An attempt's outcome with what the channel answered (HTTP status and a body excerpt, when there are). */
    record Answer(AttemptOutcome outcome, Integer status, String excerpt) {}

    /** Nothing for this event can be delivered by any retry. */
    class PermanentFailure extends RuntimeException {
        public PermanentFailure(String reason) {
            super(reason);
        }
    }

    static Answer failed(Throwable error, Duration timeout) {
        return new Answer(AttemptOutcome.ofError(error, timeout), null, null);
    }

    /** For channels whose only answer is "taken" or an error (Kafka, any endpoint). */
    static Answer takenOr(Throwable error, Duration timeout, long now) {
        return error == null ? new Answer(AttemptOutcome.ofResponse(200, null, null, now), null, null) : failed(error, timeout);
    }
}
