package dev.herald.partner;

import static dev.herald.http.Requests.jsonBody;
import static dev.herald.http.Requests.path;
import static dev.herald.http.Requests.query;
import static dev.herald.http.Requests.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.event.EventCatalog;
import dev.herald.http.Auth;
import dev.herald.http.HttpProblem;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionRegistry;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The partner API's subscriptions under {@code /partner/v1/subscriptions}: a partner creates, lists,
 * changes, disables, deletes its webhook endpoints and rotates their secrets, and reads the event
 * types it may subscribe to. Every call is scoped to the partner whose key it carries: another
 * partner's subscription is "not found", exactly as one that does not exist.
 */
public final class SubscriptionApi {

    static final int DEFAULT_PAGE = 50;
    static final int LARGEST_PAGE = 200;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Auth auth;
    private final Partners partners;
    private final PartnerSubscriptions stored;
    private final SubscriptionRegistry registry;
    private final EndpointSpec.Rules rules;
    private final Duration rotationWindow;

    public SubscriptionApi(Auth auth, Partners partners, PartnerSubscriptions stored, SubscriptionRegistry registry, Duration rotationWindow) {
        this.auth = auth;
        this.partners = partners;
        this.stored = stored;
        this.registry = registry;
        this.rules = stored.rules();
        this.rotationWindow = rotationWindow;
    }

    private void partner(Exchange exchange, int status, PartnerApi.Call call) {
        PartnerApi.serve(exchange, auth, status, call);
    }

    public void createSubscription(Exchange exchange) {
        partner(exchange, 201, (ex, partnerId) -> {
            JsonNode body = jsonBody(ex);
            String name = text(body, "name");
            if (name == null) name = "wh-" + randomName();
            else if (!EndpointSpec.NAME.matcher(name).matches()) {
                throw new HttpProblem(400, "name '" + name + "' is not allowed: 1 to 36 lower-case letters, digits and '-', starting with"
                        + " a letter or digit, such as \"orders\" (or leave it out for a generated one)");
            }
            String id = partnerId + "." + name;
            Subscription existing = registry.inForce(id);
            if (existing != null && existing.partner() == null) {
                throw new HttpProblem(409, "the name '" + name + "' cannot be used; choose another");
            }
            ObjectNode spec = EndpointSpec.check(body, null, maxRate(partnerId), rules);
            PartnerSubscriptions.Created created = stored.create(partnerId, id, spec);
            if (created.refused() != null) {
                throw switch (created.refused()) {
                    case QUOTA -> new HttpProblem(429, "you have " + created.quota() + " subscriptions, your quota; delete one,"
                            + " or ask the platform to raise limits.maxSubscriptions");
                    case TAKEN -> new HttpProblem(409, "you have a subscription named '" + name + "' already (" + id + ")");
                    case NO_PARTNER -> PartnerApi.gone();
                };
            }
            registry.reloadStoredIfChanged();
            Map<String, Object> view = view(created.stored());
            // The only time the secret is shown: verify deliveries with it (Standard Webhooks). Mail is not signed.
            if (spec.hasNonNull("url")) view.put("secret", created.secret());
            return view;
        });
    }

    public void listSubscriptions(Exchange exchange) {
        partner(exchange, 200, (ex, partnerId) -> {
            int limit = limit(query(ex, "limit"));
            PartnerSubscriptions.Page page = stored.list(partnerId, query(ex, "after"), limit);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("items", page.items().stream().map(this::view).toList());
            m.put("next", page.next());
            return m;
        });
    }

    public void getSubscription(Exchange exchange) {
        partner(exchange, 200, (ex, partnerId) -> view(own(partnerId, path(ex, "id"))));
    }

    /** Changes what is given; {@code enabled} turns deliveries off and on (and re-enables one Herald disabled). */
    public void updateSubscription(Exchange exchange) {
        partner(exchange, 200, (ex, partnerId) -> {
            String id = path(ex, "id");
            PartnerSubscriptions.Stored current = own(partnerId, id);
            JsonNode body = jsonBody(ex);
            if (body.has("name")) throw new HttpProblem(400, "name cannot change (it is part of the id); create another subscription");
            JsonNode enabled = body.get("enabled");
            if (enabled != null && !enabled.isBoolean()) throw new HttpProblem(400, "enabled must be true or false");
            ObjectNode spec = EndpointSpec.check(body, current.spec(), maxRate(partnerId), rules);
            PartnerSubscriptions.Stored now = spec.equals(current.spec()) ? current
                    : stored.update(partnerId, id, spec).orElseThrow(() -> notFound(id));
            if (enabled != null) {
                if (enabled.asBoolean()) registry.enable(id);
                else registry.disable(id, "disabled by the partner");
            }
            registry.reloadStoredIfChanged();
            return view(now);
        });
    }

    public void deleteSubscription(Exchange exchange) {
        partner(exchange, 204, (ex, partnerId) -> {
            String id = path(ex, "id");
            if (!PartnerApi.mine(partnerId, id) || !stored.delete(partnerId, id)) throw notFound(id);
            registry.reloadStoredIfChanged();
            return null;
        });
    }

    /** A new secret, shown once; the previous one keeps signing beside it for the rotation window. */
    public void rotateSubscriptionSecret(Exchange exchange) {
        partner(exchange, 200, (ex, partnerId) -> {
            String id = path(ex, "id");
            Instant until = Instant.now().plus(rotationWindow);
            if (!own(partnerId, id).spec().hasNonNull("url")) {
                throw new HttpProblem(409, "'" + id + "' is not a webhook: it carries no signature, so there is no secret to rotate");
            }
            String secret = stored.rotate(partnerId, id, until).orElseThrow(() -> notFound(id));
            registry.reloadStoredIfChanged();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("secret", secret);
            m.put("previousSecretUntil", until.toString());
            return m;
        });
    }

    /** The event types the partner may subscribe to: what each means, for whom, its schema and an example. */
    public void listEventTypes(Exchange exchange) {
        partner(exchange, 200, (ex, partnerId) -> Map.of("items", rules.catalog().forPartners().stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", e.type());
            m.put("description", e.description());
            m.put("delivery", e.partners() == EventCatalog.Audience.BROADCAST ? "broadcast" : "scoped");
            m.put("schema", e.schemaNode());
            m.put("example", e.example());
            return m;
        }).toList()));
    }

    private PartnerSubscriptions.Stored own(String partnerId, String id) throws Exception {
        if (!PartnerApi.mine(partnerId, id)) throw notFound(id);
        return stored.get(partnerId, id).orElseThrow(() -> notFound(id));
    }

    /** The partner's subscription in force now; 404 for another's, as for one that does not exist. */
    static Subscription inForce(SubscriptionRegistry registry, String partnerId, String id) {
        Subscription s = PartnerApi.mine(partnerId, id) ? registry.inForce(id) : null;
        if (s == null || !partnerId.equals(s.partner())) throw notFound(id);
        return s;
    }

    private int maxRate(String partnerId) throws Exception {
        return partners.get(partnerId).map(p -> p.limits().maxRatePerSecond()).orElseThrow(PartnerApi::gone);
    }

    private Map<String, Object> view(PartnerSubscriptions.Stored s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("name", s.id().substring(s.partnerId().length() + 1));
        m.put("description", s.spec().path("description").asText(null));
        m.put("url", s.spec().path("url").asText(null));
        m.put("email", s.spec().path("email").asText(null));
        m.put("stream", s.spec().get("stream"));
        m.put("types", s.spec().get("types"));
        m.put("filter", s.spec().get("filter"));
        Subscription inForce = registry.inForce(s.id());
        m.put("rateLimit", s.spec().hasNonNull("rateLimit") ? s.spec().get("rateLimit").asText()
                : inForce == null ? null : inForce.limits().rateText());
        m.put("retry", s.spec().hasNonNull("retry") ? s.spec().get("retry")
                : inForce == null ? null : inForce.retry().delays().stream().map(dev.herald.subscription.Durations::format).toList());
        String disabled = registry.disabledReason(s.id());
        m.put("enabled", disabled == null);
        m.put("disabledReason", disabled);
        boolean rotating = s.previousUntil() != null && s.previousUntil().isAfter(Instant.now());
        m.put("previousSecretUntil", rotating ? s.previousUntil().toString() : null);
        m.put("createdAt", s.createdAt().toString());
        m.put("updatedAt", s.updatedAt().toString());
        return m;
    }

    static int limit(String text) {
        if (text == null) return DEFAULT_PAGE;
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= LARGEST_PAGE) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new HttpProblem(400, "limit must be a whole number from 1 to " + LARGEST_PAGE + ", not '" + text + "'");
    }

    private static String randomName() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 10; i++) b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        return b.toString();
    }

    static HttpProblem notFound(String id) {
        return new HttpProblem(404, "you have no subscription '" + id + "'");
    }

}
