package dev.herald.stream;

import dev.herald.http.Auth;
import dev.herald.http.HttpProblem;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionRegistry;
import java.sql.SQLException;

/**
 * Who may take a stream: a partner its own stream subscriptions (another's answers 404, as one that
 * does not exist), an admin key any stream subscription (under {@code /api}).
 */
final class StreamAccess {

    /** The stream a request takes from, and whose key took it (the partner's id, or null for an admin). */
    record Target(Subscription subscription, String partnerId) {
        String id() {
            return subscription.id();
        }

        /** The consumers share the events (each taken by one) instead of each seeing all. */
        boolean group() {
            return "group".equals(subscription.parameters().get("mode"));
        }
    }

    private final Auth auth;
    private final SubscriptionRegistry registry;

    StreamAccess(Auth auth, SubscriptionRegistry registry) {
        this.auth = auth;
        this.registry = registry;
    }

    /** Whether a key must be given: always for a partner; for /api, unless Herald serves without keys (loopback only). */
    boolean needsKey(boolean partnerApi) {
        return partnerApi || !auth.open();
    }

    /**
     * @param partnerApi called under /partner/v1 (a partner's key) rather than /api (an admin key)
     * @throws HttpProblem 401, 403, 404, or 409 for a subscription that is not a stream
     */
    Target target(String authorization, String id, boolean partnerApi) throws SQLException {
        String partnerId = partnerApi ? auth.partner(authorization) : null;
        if (!partnerApi) auth.admin(authorization);
        Subscription s = registry.inForce(id);
        if (s == null || partnerApi && !partnerId.equals(s.partner())) {
            throw new HttpProblem(404, partnerApi ? "you have no subscription '" + id + "'" : "no subscription '" + id + "'");
        }
        if (!"stream".equals(s.channel())) {
            throw new HttpProblem(409, "subscription '" + id + "' is a " + s.channel() + " subscription: its events are sent, not kept"
                    + " for consumers to take; make a stream subscription to take events over WebSocket, SSE or polling");
        }
        return new Target(s, partnerId);
    }
}
