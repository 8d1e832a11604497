package dev.herald.http;

import java.sql.SQLException;
import java.util.Optional;
import org.apache.camel.Exchange;

/**
 * Who may call what: ingest keys may POST events; admin keys may do that and call the admin API;
 * a partner's key calls the partner API, as that partner, and nothing else. With no ingest or admin
 * keys configured at all, Herald serves the ingest and admin APIs without authentication — allowed
 * only while its HTTP server listens on loopback (checked at start), for the one-command local
 * setup. The partner API always needs a partner's key: a partner is who its key says.
 */
public final class Auth {

    /** A partner's key, found by its hash: whose it is, and whether that partner may call now. */
    public record PartnerKey(String partnerId, boolean active) {}

    /** Where partners' keys are (the store), and the portal's short-lived links. */
    public interface PartnerKeys {
        /** The partner this key (or a portal link's token) belongs to, if any: an unrevoked key, a token not expired. */
        Optional<PartnerKey> partnerOf(String key) throws SQLException;
    }

    private final ApiKeys ingest;
    private final ApiKeys admin;
    private final PartnerKeys partners;

    public Auth(ApiKeys ingest, ApiKeys admin, PartnerKeys partners) {
        this.ingest = ingest;
        this.admin = admin;
        this.partners = partners;
    }

    public boolean open() {
        return ingest.isEmpty() && admin.isEmpty();
    }

    /** The caller's key name ("anonymous" when open); 401 otherwise. */
    public String ingest(Exchange exchange) {
        if (open()) return "anonymous";
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        Optional<String> name = ingest.check(header).or(() -> admin.check(header));
        return name.orElseThrow(() -> unauthorized(header, "an ingest or admin API key"));
    }

    public String admin(Exchange exchange) {
        return admin(exchange.getMessage().getHeader("Authorization", String.class));
    }

    /** The admin key's name for this {@code Authorization} header ("anonymous" when open); 401 otherwise. */
    public String admin(String header) {
        if (open()) return "anonymous";
        return admin.check(header).orElseThrow(() -> unauthorized(header, "an admin API key"));
    }

    /** The id of the partner whose key this is; 401 without a partner's key, 403 while the partner is suspended. */
    public String partner(Exchange exchange) throws SQLException {
        return partner(exchange.getMessage().getHeader("Authorization", String.class));
    }

    /** The partner whose key this {@code Authorization} header carries; 401 or 403 as {@link #partner(Exchange)}. */
    public String partner(String header) throws SQLException {
        Optional<String> key = ApiKeys.bearer(header);
        Optional<PartnerKey> found = key.isEmpty() ? Optional.empty() : partners.partnerOf(key.get());
        PartnerKey partner = found.orElseThrow(() -> new HttpProblem(401, header == null
                ? "this call needs a partner API key: send it as `Authorization: Bearer <key>`"
                : "the key sent is not a partner API key, or it was revoked, or the portal link has expired (the platform's admin"
                        + " issues partner keys and portal links)"));
        if (!partner.active()) {
            throw new HttpProblem(403, "this partner is suspended; the platform's admin can resume it");
        }
        return partner.partnerId();
    }

    private static HttpProblem unauthorized(String header, String what) {
        return new HttpProblem(401, header == null
                ? "this call needs " + what + ": send it as `Authorization: Bearer <key>`"
                : "the key sent is not " + what + " (keys are configured as hashes in herald.http.ingest-keys / herald.http.admin-keys)");
    }
}
