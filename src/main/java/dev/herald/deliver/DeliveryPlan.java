package dev.herald.deliver;

import dev.herald.channel.Channel;
import java.util.Map;

/**
 * What {@link DeliveryAttempts} decides for one delivery, as exchange properties the
 * {@link DeliveryConsumer} reads: the {@link Step} to take, the endpoint of a URI channel, and the
 * messages to send in the delivery's transaction.
 */
public final class DeliveryPlan {

    /** What the deliver stage does with this delivery: a {@link Step}. */
    public static final String STEP = "heraldStep";
    /** The endpoint a URI channel (Kafka, email, any endpoint) sends to; an HTTP channel's target is its CamelHttpUri header. */
    public static final String TARGET = Channel.TARGET;
    /** What to send, in the delivery's transaction, after the attempt or instead of it: a List of {@link FollowUp}. */
    public static final String THEN = "heraldThen";

    /** After {@code prepare}. */
    public enum Step {
        /** Call the HTTP channel (webhook, Slack): the message is the request. */
        CALL_HTTP,
        /** Send to the channel's endpoint URI ({@link #TARGET}). */
        CALL_URI,
        /** No attempt can succeed (the subscription is gone, disabled, or refuses this event): record it as failed for good. */
        NO_CALL,
        /** Nothing to attempt now (parked behind its key, or waiting on a limit): only the follow-ups. */
        DONE
    }

    /** A message to send to one of Herald's queues: its body and its headers (message properties). */
    public record FollowUp(String queue, String body, Map<String, Object> headers) {
        public FollowUp(String queue, String body) {
            this(queue, body, Map.of());
        }
    }

    private DeliveryPlan() {}
}
