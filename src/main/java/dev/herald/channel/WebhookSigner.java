package dev.herald.channel;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks v1 signatures: {@code v1,} + base64(HMAC-SHA256(key, "id.timestamp.body")),
 * space-separated when several secrets are active (rotation).
 */
public final class WebhookSigner {

    public static final String PREFIX = "whsec_";

    private WebhookSigner() {}

    /** Decodes a {@code whsec_} secret (the prefix is optional) and checks its size: 24 to 64 bytes. */
    public static byte[] decodeSecret(String secret) {
        String b64 = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the signing secret is not whsec_ followed by base64");
        }
        if (key.length < 24 || key.length > 64) {
            throw new IllegalArgumentException("the signing secret decodes to " + key.length
                    + " bytes; Standard Webhooks secrets are 24 to 64 random bytes");
        }
        return key;
    }

    /** A new secret: whsec_ + base64 of 32 random bytes. */
    public static String newSecret() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    public static String sign(String msgId, long timestampSeconds, byte[] body, List<byte[]> keys) {
        byte[] prefix = (msgId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        return keys.stream().map(key -> "v1," + hmac(key, prefix, body)).collect(Collectors.joining(" "));
    }

    private static String hmac(byte[] key, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix);
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
