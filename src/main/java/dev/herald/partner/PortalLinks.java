package dev.herald.partner;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The partner portal's links: a token the admin API issues for one partner, valid for a short
 * while, that the portal page sends as its partner key. Signed (HMAC-SHA256) with a key derived from
 * the instances' shared secrets key, so every instance accepts it and nothing is stored; it cannot
 * be revoked before it expires — keep links short-lived (suspending the partner stops it at once).
 */
public final class PortalLinks {

    /** A portal token starts with this, so it is told apart from a partner's API key. */
    static final String PREFIX = "hpp_";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();

    /** An issued link's token and when it stops working. */
    public record Link(String token, Instant expiresAt) {}

    private final byte[] key;

    public PortalLinks(SecretBox box) {
        this.key = box.derive("herald partner portal links");
    }

    public Link issue(String partnerId, Duration validFor) {
        Instant until = Instant.now().plus(validFor);
        String payload = B64.encodeToString((partnerId + "|" + until.getEpochSecond()).getBytes(StandardCharsets.UTF_8));
        return new Link(PREFIX + payload + "." + B64.encodeToString(mac(payload)), until);
    }

    /** The partner a token is for, while it is valid; empty for anything else. */
    public Optional<String> partnerOf(String token) {
        if (token == null || !token.startsWith(PREFIX)) return Optional.empty();
        String rest = token.substring(PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot < 0) return Optional.empty();
        String payload = rest.substring(0, dot);
        try {
            if (!MessageDigest.isEqual(mac(payload), DECODE.decode(rest.substring(dot + 1)))) return Optional.empty();
            String[] parts = new String(DECODE.decode(payload), StandardCharsets.UTF_8).split("\\|");
            if (parts.length != 2 || Instant.now().getEpochSecond() >= Long.parseLong(parts[1])) return Optional.empty();
            return Optional.of(parts[0]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
