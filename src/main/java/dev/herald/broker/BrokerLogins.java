package dev.herald.broker;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The logins of the embedded broker: Herald's own, the legacy producers' and the operators'.
 * Herald's password is made anew at every start and kept in memory only; the others come from
 * settings or, when unset, from a file under the data directory made on first start (mode 600).
 */
public record BrokerLogins(Login herald, Login producer, Login operator) {

    /** A user name and password, and where the password came from (for the log; never the password). */
    public record Login(String user, String password, String from) {
        @Override
        public String toString() {
            return user + " (password " + from + ")";
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    public BrokerLogins {
        if (herald.user().equals(producer.user()) || herald.user().equals(operator.user()) || producer.user().equals(operator.user())) {
            throw new IllegalArgumentException("the broker users must differ: herald.broker.user '" + herald.user()
                    + "', herald.broker.producer-user '" + producer.user() + "', herald.broker.operator-user '" + operator.user() + "'");
        }
    }

    /** 24 random bytes, URL-safe base64: safe in STOMP headers, URLs and shell commands alike. */
    public static String newPassword() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The password in {@code file}, made (readable by this user only) if there is none yet. */
    public static String passwordFile(Path file) throws IOException {
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            // Written whole under another name, then moved into place: nobody reads a half-written file.
            Path tmp = Files.createTempFile(dir, ".password", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, newPassword() + "\n");
                Files.move(tmp, file);
            } catch (FileAlreadyExistsException raced) {
                // another process made it first: read theirs
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        String password = Files.readString(file).trim();
        if (password.isEmpty()) throw new IOException(file + " is empty; delete it and Herald makes a new password");
        return password;
    }
}
