package dev.herald.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * API keys, configured only as SHA-256 hashes ({@code name:sha256hex}, comma separated), so the
 * configuration, the logs and a heap dump of the settings never hold a usable key. A request
 * presents the key as {@code Authorization: Bearer <key>}; the check compares hashes in constant time.
 */
public final class ApiKeys {

    private record Entry(String name, byte[] hash) {}

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = entries;
    }

    /** Parses {@code name:sha256hex,...}; an empty or absent setting means no keys. */
    public static ApiKeys parse(String setting, String settingName) {
        List<Entry> entries = new ArrayList<>();
        if (setting != null) {
            for (String part : setting.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) continue;
                int colon = p.indexOf(':');
                String hex = colon < 0 ? "" : p.substring(colon + 1).trim();
                if (colon <= 0 || !hex.matches("[0-9a-fA-F]{64}")) {
                    throw new IllegalArgumentException(settingName + ": '" + (colon > 0 ? p.substring(0, colon) + ":…" : "…")
                            + "' is not name:sha256-hex; make a key and its entry with `bin/herald apikey NAME`");
                }
                entries.add(new Entry(p.substring(0, colon).trim(), HexFormat.of().parseHex(hex)));
            }
        }
        return new ApiKeys(List.copyOf(entries));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The key an {@code Authorization: Bearer <key>} header presents. */
    public static Optional<String> bearer(String authorization) {
        if (authorization == null) return Optional.empty();
        String a = authorization.trim();
        if (!a.regionMatches(true, 0, "Bearer ", 0, 7) || a.substring(7).isBlank()) return Optional.empty();
        return Optional.of(a.substring(7).trim());
    }

    /** The name of the key the header presents, if it is one of these. */
    public Optional<String> check(String authorization) {
        Optional<String> key = bearer(authorization);
        if (key.isEmpty()) return Optional.empty();
        byte[] presented = sha256(key.get());
        String found = null;
        for (Entry e : entries) {
            // Every entry is compared, found or not, so the time taken tells nothing.
            if (MessageDigest.isEqual(presented, e.hash()) && found == null) found = e.name();
        }
        return Optional.ofNullable(found);
    }

    /** A new random key ({@code hk_} + 32 random bytes, URL-safe base64). */
    public static String newKey() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return "hk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
