package dev.herald.partner;

import static dev.herald.http.Requests.jsonBody;
import static dev.herald.http.Requests.path;
import static dev.herald.http.Requests.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.CloudEvent;
import dev.herald.http.Auth;
import dev.herald.http.HttpProblem;
import dev.herald.http.HttpResponses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/**
 * The admin API's partners under {@code /api/partners}: create, list, suspend, resume and delete
 * partners, and issue, list and revoke their keys. Admin keys only; a partner's key never reaches
 * these.
 */
public final class PartnerAdmin {

    /** A partner's id: what the platform calls it, short and safe in a URL path (and in an event's partnerid). */
    static final Pattern ID = CloudEvent.PARTNER_ID;
    static final int DEFAULT_MAX_SUBSCRIPTIONS = 10;
    static final int DEFAULT_MAX_RATE = 50;
    static final int MOST_SUBSCRIPTIONS = 1_000;
    static final int MOST_RATE = 10_000;
    static final int DEFAULT_MAX_QUEUED = 100_000;
    static final int MOST_QUEUED = 10_000_000;
    static final java.time.Duration DEFAULT_PORTAL_LINK = java.time.Duration.ofHours(1);
    static final java.time.Duration LONGEST_PORTAL_LINK = java.time.Duration.ofHours(24);

    private final Auth auth;
    private final Partners partners;
    private final Runnable changed;
    private final PortalLinks portal;

    /** @param changed told when a partner is suspended, resumed or deleted (its subscriptions change with it) */
    public PartnerAdmin(Auth auth, Partners partners, Runnable changed, PortalLinks portal) {
        this.auth = auth;
        this.partners = partners;
        this.changed = changed;
        this.portal = portal;
    }

    /**
     * A link to the partner portal for this partner, valid for {@code validFor} (default 1h, at most
     * 24h): what to hand the partner, as Svix's and Convoy's portal links are handed. The token rides
     * in the URL's fragment, which browsers never send to a server.
     */
    public void issuePortalLink(Exchange exchange) {
        admin(exchange, 201, ex -> {
            String id = path(ex, "id");
            Partners.Partner p = partners.get(id).orElseThrow(() -> noPartner(ex));
            String text = text(jsonBody(ex), "validFor");
            java.time.Duration validFor;
            try {
                validFor = text == null ? DEFAULT_PORTAL_LINK : dev.herald.subscription.Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new HttpProblem(400, "validFor '" + text + "' is not a duration such as 30m or 2h");
            }
            if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(LONGEST_PORTAL_LINK) > 0) {
                throw new HttpProblem(400, "validFor must be more than 0 and at most 24h, not " + text);
            }
            PortalLinks.Link link = portal.issue(p.id(), validFor);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("partnerId", p.id());
            m.put("url", origin(ex) + "/portal#token=" + link.token());
            m.put("expiresAt", link.expiresAt().toString());
            return m;
        });
    }

    private void admin(Exchange exchange, int status, HttpResponses.Call call) {
        HttpResponses.serve(exchange, auth::admin, status, call);
    }

    public void createPartner(Exchange exchange) {
        admin(exchange, 201, ex -> {
            JsonNode body = jsonBody(ex);
            String id = text(body, "id");
            if (id == null || !ID.matcher(id).matches()) {
                throw new HttpProblem(400, "id " + (id == null ? "is missing" : "'" + id + "' is not allowed")
                        + ": 1 to 63 lower-case letters, digits and '-', starting with a letter or digit, such as \"acme-shop\"");
            }
            String name = name(body.get("name"));
            Partners.Limits limits = limits(body, DEFAULTS);
            return PartnerApi.view(partners.create(id, name, limits)
                    .orElseThrow(() -> new HttpProblem(409, "a partner with id '" + id + "' exists already")));
        });
    }

    /** A new name or limits (each limit given replaces that one, the others stay): to raise or lower a partner's quotas. */
    public void updatePartner(Exchange exchange) {
        admin(exchange, 200, ex -> {
            JsonNode body = jsonBody(ex);
            for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!k.equals("name") && !k.equals("limits")) {
                    throw new HttpProblem(400, "unknown field '" + k + "': name and limits may change");
                }
            }
            Partners.Partner p = partners.get(path(ex, "id")).orElseThrow(() -> noPartner(ex));
            String name = body.has("name") ? name(body.get("name")) : p.name();
            return changed(PartnerApi.view(partners.update(p.id(), name, limits(body, p.limits())).orElseThrow(() -> noPartner(ex))));
        });
    }

    private static final Partners.Limits DEFAULTS = new Partners.Limits(DEFAULT_MAX_SUBSCRIPTIONS, DEFAULT_MAX_RATE, DEFAULT_MAX_QUEUED);

    private static String name(JsonNode v) {
        if (v == null || !v.isTextual() || v.asText().isBlank() || v.asText().length() > 200) {
            throw new HttpProblem(400, "name must be given, at most 200 characters");
        }
        return v.asText();
    }

    /** The body's limits over {@code base}: each one given, checked, replaces base's. */
    private static Partners.Limits limits(JsonNode body, Partners.Limits base) {
        if (body.has("limits") && !body.get("limits").isObject()) {
            throw new HttpProblem(400, "limits must be an object, such as {\"maxSubscriptions\": 10, \"maxRatePerSecond\": 50,"
                    + " \"maxQueued\": 100000}");
        }
        JsonNode l = body.path("limits");
        for (java.util.Iterator<String> it = l.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!List.of("maxSubscriptions", "maxRatePerSecond", "maxQueued").contains(k)) {
                throw new HttpProblem(400, "limits has no '" + k + "': the limits are maxSubscriptions, maxRatePerSecond and maxQueued");
            }
        }
        return new Partners.Limits(bounded(l, "maxSubscriptions", base.maxSubscriptions(), MOST_SUBSCRIPTIONS),
                bounded(l, "maxRatePerSecond", base.maxRatePerSecond(), MOST_RATE),
                bounded(l, "maxQueued", base.maxQueued(), MOST_QUEUED));
    }

    public void listPartners(Exchange exchange) {
        admin(exchange, 200, ex -> Map.of("items", partners.list().stream().map(PartnerApi::view).toList()));
    }

    public void getPartner(Exchange exchange) {
        admin(exchange, 200, ex -> PartnerApi.view(partners.get(path(ex, "id")).orElseThrow(() -> noPartner(ex))));
    }

    public void suspendPartner(Exchange exchange) {
        admin(exchange, 200, ex -> changed(PartnerApi.view(partners.setStatus(path(ex, "id"), Partners.Status.SUSPENDED)
                .orElseThrow(() -> noPartner(ex)))));
    }

    public void resumePartner(Exchange exchange) {
        admin(exchange, 200, ex -> changed(PartnerApi.view(partners.setStatus(path(ex, "id"), Partners.Status.ACTIVE)
                .orElseThrow(() -> noPartner(ex)))));
    }

    public void deletePartner(Exchange exchange) {
        admin(exchange, 204, ex -> {
            if (!partners.delete(path(ex, "id"))) throw noPartner(ex);
            return changed(null);
        });
    }

    public void issuePartnerKey(Exchange exchange) {
        admin(exchange, 201, ex -> {
            String name = text(jsonBody(ex), "name");
            if (name == null || name.length() > 100) throw new HttpProblem(400, "name must be given (what the key is for), at most 100 characters");
            Partners.Issued issued = partners.issueKey(path(ex, "id"), name).orElseThrow(() -> noPartner(ex));
            Map<String, Object> m = key(issued.key());
            // The only time the key is shown: Herald keeps its hash.
            m.put("key", issued.secret());
            return m;
        });
    }

    public void listPartnerKeys(Exchange exchange) {
        admin(exchange, 200, ex -> {
            List<Partners.Key> keys = partners.keys(path(ex, "id")).orElseThrow(() -> noPartner(ex));
            return Map.of("items", keys.stream().map(PartnerAdmin::key).toList());
        });
    }

    public void revokePartnerKey(Exchange exchange) {
        admin(exchange, 204, ex -> {
            if (!partners.revokeKey(path(ex, "id"), path(ex, "keyId"))) {
                throw new HttpProblem(404, "partner '" + path(ex, "id") + "' has no key with id '" + path(ex, "keyId") + "'");
            }
            return null;
        });
    }

    /** Where this request was sent (scheme, host and port): the portal is on the same server. */
    private static String origin(Exchange ex) {
        String url = ex.getMessage().getHeader(Exchange.HTTP_URL, String.class);
        if (url != null) {
            java.net.URI u = java.net.URI.create(url);
            if (u.getScheme() != null && u.getRawAuthority() != null) return u.getScheme() + "://" + u.getRawAuthority();
        }
        String host = ex.getMessage().getHeader("Host", String.class);
        return host == null ? "" : "http://" + host;
    }

    /** This instance applies the change now; the others within their reload interval. */
    private <T> T changed(T answer) {
        changed.run();
        return answer;
    }

    private static Map<String, Object> key(Partners.Key k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("name", k.name());
        m.put("createdAt", k.createdAt().toString());
        m.put("revokedAt", k.revokedAt() == null ? null : k.revokedAt().toString());
        return m;
    }

    private static int bounded(JsonNode limits, String field, int dflt, int most) {
        JsonNode v = limits.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1 || v.asInt() > most) {
            throw new HttpProblem(400, "limits." + field + " must be a whole number from 1 to " + most + ", not " + v);
        }
        return v.asInt();
    }

    private static HttpProblem noPartner(Exchange ex) {
        return new HttpProblem(404, "no partner with id '" + path(ex, "id") + "'");
    }
}
