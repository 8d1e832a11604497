package dev.herald.partner;

import dev.herald.http.Auth;
import dev.herald.http.HttpProblem;
import dev.herald.http.HttpResponses;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The partner API under {@code /partner/v1}: what a partner, holding one of its keys, may see and
 * do — its own things and nothing of another partner's. Every call starts by finding the partner
 * from the key ({@link Auth#partner}); every query is scoped to that partner.
 */
public final class PartnerApi {

    private final Auth auth;
    private final Partners partners;

    public PartnerApi(Auth auth, Partners partners) {
        this.auth = auth;
        this.partners = partners;
    }

    /** A partner API operation: its answer's body (null: an empty one), for the partner whose key came. */
    interface Call {
        Object run(Exchange exchange, String partnerId) throws Exception;
    }

    /** Finds the partner from the key (401/403 otherwise), runs the call for it, and answers its body as JSON with this status. */
    static void serve(Exchange exchange, Auth auth, int status, Call call) {
        HttpResponses.serve(exchange, ex -> {
            String partnerId = auth.partner(ex);
            Object body = call.run(ex, partnerId);
            HttpResponses.json(ex, status, body == null ? "" : body);
        });
    }

    /** Ids of a partner's things begin with its id and a dot: another partner's never do (partner ids have no dots). */
    static boolean mine(String partnerId, String id) {
        return id != null && id.startsWith(partnerId + ".");
    }

    /** The partner the key belongs to: its id, name, status and limits. */
    public void getPartnerSelf(Exchange exchange) {
        serve(exchange, auth, 200, (ex, partnerId) -> view(partners.get(partnerId).orElseThrow(PartnerApi::gone)));
    }

    /** The partner was deleted between the key check and here: its key went with it. */
    static HttpProblem gone() {
        return new HttpProblem(401, "the key sent is not a partner API key, or it was revoked (the platform's admin issues partner keys)");
    }

    /** A partner as both APIs show it. */
    public static Map<String, Object> view(Partners.Partner p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("name", p.name());
        m.put("status", p.status().text());
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("maxSubscriptions", p.limits().maxSubscriptions());
        limits.put("maxRatePerSecond", p.limits().maxRatePerSecond());
        limits.put("maxQueued", p.limits().maxQueued());
        m.put("limits", limits);
        m.put("createdAt", p.createdAt().toString());
        m.put("updatedAt", p.updatedAt().toString());
        return m;
    }
}
