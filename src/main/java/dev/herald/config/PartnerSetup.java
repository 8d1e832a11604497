package dev.herald.config;

import dev.herald.broker.BrokerLogins;
import dev.herald.net.AddressGuard;
import dev.herald.partner.SecretBox;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The partners' parts that come from settings: the key that seals their secrets, and their outbound guard. */
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
