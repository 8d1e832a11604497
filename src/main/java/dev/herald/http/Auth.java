package dev.herald.http;

import java.util.Optional;
import org.apache.camel.Exchange;

/**
 * Who may call what: ingest keys may POST events; admin keys may do that and call the admin API.
 * With no keys configured at all, Herald serves without authentication — allowed only while its HTTP
 * server listens on loopback (checked at start), for the one-command local setup.
 */
public final class Auth {

    private final ApiKeys ingest;
    private final ApiKeys admin;

    public Auth(ApiKeys ingest, ApiKeys admin) {
        this.ingest = ingest;
        this.admin = admin;
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
        if (open()) return "anonymous";
        String header = exchange.getMessage().getHeader("Authorization", String.class);
        return admin.check(header).orElseThrow(() -> unauthorized(header, "an admin API key"));
    }

    private static HttpProblem unauthorized(String header, String what) {
        return new HttpProblem(401, header == null
                ? "this call needs " + what + ": send it as `Authorization: Bearer <key>`"
                : "the key sent is not " + what + " (keys are configured as hashes in herald.http.ingest-keys / herald.http.admin-keys)");
    }
}
