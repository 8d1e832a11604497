package dev.herald.channel;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** A webhook's URL and signing keys: the current secret, and during a rotation the previous one until its end. */
final class WebhookParameters implements ParameterReader {

    @Override
    public ChannelSettings read(Parameters p) {
        URI url = p.httpUrl("url", p.value("url"));
        byte[] current = signingKey(p, "secret", "secretFile", true);
        boolean rotating = p.has("previousSecret") || p.has("previousSecretFile");
        byte[] previous = rotating ? signingKey(p, "previousSecret", "previousSecretFile", false) : null;
        Instant until = rotationEnd(p, rotating);
        if (url != null && p.targets() != null) {
            p.refused("url", p.targets().url(url), "point it at a public address, or allow it with herald.ssrf.allow");
        }
        List<byte[]> keys = current == null ? List.of() : previous == null ? List.of(current) : List.of(current, previous);
        return new ChannelSettings(Map.copyOf(p.values()), url, keys, until, null);
    }

    /** A signing key from {@code refKey} (a reference) or {@code fileKey} (a file); null if absent or wrong (reported). */
    private static byte[] signingKey(Parameters p, String refKey, String fileKey, boolean required) {
        String value;
        String from;
        if (p.has(refKey) && p.has(fileKey)) {
            p.at(fileKey).add("parameters." + refKey + " and parameters." + fileKey + " are both given", "give one of them");
            return null;
        } else if (p.has(fileKey)) {
            from = fileKey;
            value = readFile(p, fileKey);
        } else if (p.has(refKey)) {
            from = refKey;
            value = p.secret(refKey);
        } else {
            if (required) {
                p.at(refKey).add("parameters." + refKey + " is missing",
                        "webhooks are always signed: " + refKey + ": \"{{env:NAME}}\" or " + fileKey + ": path");
            }
            return null;
        }
        if (value == null) return null;
        try {
            return WebhookSigner.decodeSecret(value);
        } catch (IllegalArgumentException e) {
            p.at(from).add("parameters." + from + ": " + e.getMessage(), "generate one with: bin/herald secret");
            return null;
        }
    }

    private static String readFile(Parameters p, String key) {
        String file = p.value(key);
        if (file == null) return null;
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException | InvalidPathException e) {
            p.at(key).add("parameters." + key + " '" + file + "' cannot be read (" + e.getClass().getSimpleName() + ")",
                    "check the path and that Herald may read it; bin/herald secret > FILE makes one");
            return null;
        }
    }

    /** previousSecretUntil: required with a previous secret, an ISO-8601 instant. */
    private static Instant rotationEnd(Parameters p, boolean rotating) {
        String key = "previousSecretUntil";
        if (!rotating) {
            if (p.has(key)) {
                p.at(key).add("parameters." + key + " is set but there is no previousSecret (or previousSecretFile)",
                        "add the secret being rotated out, or remove " + key);
            }
            return null;
        }
        if (!p.has(key)) {
            p.at(key).add("parameters." + key + " is missing",
                    "say when the rotation ends, such as " + key + ": \"2026-12-31T00:00:00Z\"");
            return null;
        }
        String until = p.value(key);
        if (until == null) return null;
        try {
            return Instant.parse(until);
        } catch (DateTimeParseException e) {
            p.at(key).add("parameters." + key + " '" + until + "' is not an ISO-8601 instant", "write one such as 2026-12-31T00:00:00Z");
            return null;
        }
    }
}
