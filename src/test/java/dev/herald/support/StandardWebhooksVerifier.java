package dev.herald.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The test's own reading of the Standard Webhooks spec (independent of Herald's signer): what a
 * partner's receiver does with {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}.
 */
public final class StandardWebhooksVerifier {

    private StandardWebhooksVerifier() {}

    public static boolean verify(String secret, String id, String timestamp, String signatureHeader, byte[] body,
                                 long nowSeconds, long toleranceSeconds) throws Exception {
        if (id == null || timestamp == null || signatureHeader == null) return false;
        if (Math.abs(nowSeconds - Long.parseLong(timestamp)) > toleranceSeconds) return false;
        byte[] key = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] expected = mac.doFinal((id + "." + timestamp + "." + new String(body, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
        for (String sig : signatureHeader.split(" ")) {
            String[] parts = sig.split(",", 2);
            if (parts.length == 2 && parts[0].equals("v1")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(parts[1]))) {
                return true;
            }
        }
        return false;
    }
}
