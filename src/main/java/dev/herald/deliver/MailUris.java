package dev.herald.deliver;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** The camel-mail endpoint URI for an email subscription's server settings. */
final class MailUris {

    private MailUris() {}

    static String of(Map<String, String> p, boolean html, Duration timeout) {
        String starttls = p.getOrDefault("starttls", "true");
        StringBuilder uri = new StringBuilder("smtp://").append(p.get("host")).append(':').append(p.getOrDefault("port", "587"))
                .append("?connectionTimeout=").append(timeout.toMillis())
                .append("&contentType=").append(encode(html ? "text/html; charset=UTF-8" : "text/plain; charset=UTF-8"))
                .append("&mail.smtp.timeout=").append(timeout.toMillis())
                .append("&mail.smtp.writetimeout=").append(timeout.toMillis())
                .append("&mail.smtp.starttls.enable=").append(!"false".equals(starttls))
                .append("&mail.smtp.starttls.required=").append("required".equals(starttls));
        if (p.get("username") != null) uri.append("&username=").append(encode(p.get("username")));
        // RAW(): the password is taken as it is, and Camel masks it wherever it shows the URI.
        if (p.get("password") != null) uri.append("&password=RAW(").append(p.get("password")).append(')');
        return uri.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
