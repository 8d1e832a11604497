package dev.herald.partner;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals the partners' signing secrets for the store (AES-256-GCM). Herald must sign with them, so
 * they cannot be hashed like API keys; sealed, a copy of the database alone does not let anyone sign
 * as Herald. The key is derived from a shared secret every instance is given; its id (a fingerprint)
 * is stored with each sealed secret, so an instance with another key says so instead of signing
 * garbage. Each secret is bound to its subscription's id: a sealed secret copied to another row does
 * not open.
 */
public final class SecretBox {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final String keyId;

    /** @param material a high-entropy secret (at least 16 characters); the key is its SHA-256 */
    public SecretBox(String material) {
        if (material == null || material.length() < 16) {
            throw new IllegalArgumentException("herald.partners.secrets-key must be at least 16 characters of random text");
        }
        byte[] k = sha256(material.getBytes(StandardCharsets.UTF_8));
        this.key = new SecretKeySpec(k, "AES");
        this.keyId = HexFormat.of().formatHex(sha256(k), 0, 8);
    }

    /** A key for another use (portal links), derived from the same secret and not usable as this one. */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Which key seals: stored beside each sealed secret. */
    public String keyId() {
        return keyId;
    }

    public String seal(String subscriptionId, String secret) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, iv, subscriptionId);
            byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** @throws IllegalArgumentException when it was not sealed with this key for this subscription */
    public String open(String subscriptionId, String sealed) {
        byte[] in = Base64.getDecoder().decode(sealed);
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, java.util.Arrays.copyOf(in, IV_BYTES), subscriptionId);
            return new String(c.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the signing secret of " + subscriptionId + " does not open with key " + keyId, e);
        }
    }

    private Cipher cipher(int mode, byte[] iv, String subscriptionId) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        c.updateAAD(subscriptionId.getBytes(StandardCharsets.UTF_8));
        return c;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
