package dev.herald.config;

import dev.herald.broker.BrokerLogins;
import dev.herald.net.AddressGuard;
import dev.herald.partner.SecretBox;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The partners' parts that come from settings: the key that seals their secrets, their outbound guard, their mail server. */
final class PartnerSetup {

    private static final Logger LOG = LoggerFactory.getLogger(PartnerSetup.class);

    private PartnerSetup() {}

    /**
     * herald.partners.secrets-key (by reference); without one, a random key made on first start in
     * the data directory — enough for one instance, and every instance sharing a store needs the same.
     */
    static SecretBox secretBox(Settings cfg, Path dataDir) throws IOException {
        String key = cfg.optional("herald.partners.secrets-key").orElse(null);
        if (key == null) key = BrokerLogins.passwordFile(dataDir.resolve("partner-secrets.key"));
        return new SecretBox(key);
    }

    /**
     * The SMTP server partners' email subscriptions (Herald's operational events) go through:
     * herald.partners.email.host and the rest; null when no host is set (partners get no email).
     */
    static Map<String, String> mailServer(Settings cfg) {
        String host = cfg.optional("herald.partners.email.host").orElse(null);
        if (host == null) return null;
        String from = cfg.optional("herald.partners.email.from").orElseThrow(() -> new IllegalArgumentException(
                "herald.partners.email.host is set but herald.partners.email.from is not: give the sender of partners' mail"));
        Map<String, String> server = new LinkedHashMap<>();
        server.put("host", host);
        server.put("from", from);
        for (String k : List.of("port", "username", "password", "starttls")) {
            cfg.optional("herald.partners.email." + k).ifPresent(v -> server.put(k, v));
        }
        return Map.copyOf(server);
    }

    /** The partners' guard: no allow-list but herald.partners.ssrf.allow, which exists for trying Herald on one machine. */
    static AddressGuard guard(Settings cfg) {
        String allow = cfg.optional("herald.partners.ssrf.allow").orElse("");
        if (!allow.isBlank()) {
            LOG.warn("herald.partners.ssrf.allow is set ({}): partners may point webhooks at these non-public addresses."
                    + " Leave it empty outside a development machine.", allow);
        }
        return new AddressGuard(allow, java.net.InetAddress::getAllByName, "");
    }
}
