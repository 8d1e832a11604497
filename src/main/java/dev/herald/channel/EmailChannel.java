package dev.herald.channel;

import dev.herald.net.AddressGuard;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Email over SMTP (camel-mail): the subscription's Mustache templates rendered over the event. */
final class EmailChannel implements Channel {

    private final Duration timeout;
    private final Targets targets;

    EmailChannel(Duration timeout, Targets targets) {
        this.timeout = timeout;
        this.targets = targets;
    }

    @Override
    public void prepare(Exchange exchange, Call call) {
        if (call.settings().parameters().get("host") == null) {
            // Only a partner's subscription has no host of its own: the platform has since stopped offering mail.
            throw new PermanentFailure("there is no mail server to send through: the platform sends partners no email any more"
                    + " (herald.partners.email.host is empty)");
        }
        Map<String, String> mail;
        try {
            mail = call.settings().email().render(call.event());
        } catch (RuntimeException e) {
            throw new PermanentFailure("the subscription's email templates failed on this event: " + e.getMessage());
        }
        Message m = exchange.getMessage();
        m.setHeader("From", call.settings().parameters().get("from"));
        m.setHeader("To", mail.get("to"));
        if (mail.get("cc") != null && !mail.get("cc").isBlank()) m.setHeader("Cc", mail.get("cc"));
        m.setHeader("Subject", mail.get("subject"));
        m.setHeader("X-Herald-Delivery-Id", call.deliveryId());
        boolean html = mail.containsKey("html");
        m.setBody(html ? mail.get("html") : mail.get("text"));
        if (html) m.setHeader("CamelMailAlternativeBody", mail.get("text"));
        exchange.setProperty(TARGET, uri(call.settings().parameters(), server(call.settings().parameters()), html));
    }

    @Override
    public Answer answer(Exchange exchange, Throwable error, long now) {
        return new Answer(error == null ? AttemptOutcome.ofResponse(200, null, null, now) : AttemptOutcome.ofMailError(error, timeout),
                null, null);
    }

    /**
     * The SMTP server's address, checked by the guard now, for the connection to use as it is (no
     * second lookup). A name that does not resolve is left to the connection, which fails and is retried.
     */
    private String server(Map<String, String> p) {
        try {
            InetAddress a = targets.smtp(p.get("host"), p.get("port"));
            return a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        } catch (AddressGuard.Refused e) {
            throw new PermanentFailure("parameters.host: " + e.getMessage());
        } catch (UnknownHostException e) {
            return p.get("host");
        }
    }

    /** The camel-mail endpoint for the subscription's server settings, connecting to {@code server}. */
    private String uri(Map<String, String> p, String server, boolean html) {
        String starttls = p.getOrDefault("starttls", "true");
        StringBuilder uri = new StringBuilder("smtp://").append(server).append(':').append(p.getOrDefault("port", "587"))
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
