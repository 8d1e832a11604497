package dev.herald.deliver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.event.CloudEvent;
import dev.herald.event.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Herald's own events, so an operator can subscribe Slack, email or anything else to them like to
 * any event: {@code herald.delivery.dead} and {@code herald.subscription.disabled}. Their ids are
 * derived from what they report, so a re-made attempt does not report twice. About a partner's
 * subscription, they name the partner ({@code partnerid}): that partner may subscribe to its own.
 */
public final class OperationalEvents {

    public static final String SOURCE = "urn:herald";
    public static final String DELIVERY_DEAD = "herald.delivery.dead";
    public static final String SUBSCRIPTION_DISABLED = "herald.subscription.disabled";

    private OperationalEvents() {}

    /** True for Herald's own event types: a dead delivery of one of them reports nothing (no loops). */
    public static boolean isOperational(String type) {
        return type != null && type.startsWith("herald.");
    }

    /** @param partner the subscription's partner, or null for the platform's own */
    public static String deliveryDead(Delivery d, String partner, String reason) {
        ObjectNode data = Json.MAPPER.createObjectNode()
                .put("deliveryId", d.id())
                .put("eventId", d.eventId())
                .put("eventType", d.event().path("type").asText())
                .put("subscriptionId", d.subscriptionId())
                .put("attempts", d.attempt())
                .put("reason", reason);
        return event(DELIVERY_DEAD, DELIVERY_DEAD + "|" + d.id() + "|" + d.attempt(), d.subscriptionId(), partner, data);
    }

    public static String subscriptionDisabled(Delivery d, String partner, String reason) {
        ObjectNode data = Json.MAPPER.createObjectNode()
                .put("subscriptionId", d.subscriptionId())
                .put("reason", reason)
                .put("deliveryId", d.id());
        return event(SUBSCRIPTION_DISABLED, SUBSCRIPTION_DISABLED + "|" + d.subscriptionId() + "|" + d.id(), d.subscriptionId(), partner,
                data);
    }

    private static String event(String type, String identity, String subject, String partner, ObjectNode data) {
        String id = UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString();
        return Json.string(new CloudEvent(CloudEvent.SPEC_VERSION, id, SOURCE, type, subject, Instant.now().toString(),
                "application/json", null, partner, null, null, data));
    }
}
