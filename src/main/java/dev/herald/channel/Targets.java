package dev.herald.channel;

import dev.herald.net.AddressGuard;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Where a subscription's channel connects, put to the {@link AddressGuard}: at load (a refused
 * target is an error in the file) and again at every delivery (a name's DNS may have changed).
 * Herald's own infrastructure is not a target: its broker (the endpoint channel's {@code jms:}) and
 * the Kafka brokers of its settings ({@code herald.kafka.brokers}, the default of a kafka
 * subscription). An endpoint whose component the guard cannot read is refused unless its scheme is
 * allowed by {@code herald.ssrf.allow-schemes}.
 */
public final class Targets {

    /** Components that connect nowhere or only to Herald's own broker. */
    private static final Set<String> LOCAL = Set.of("file", "jms");
    private static final Pattern KAFKA_BROKERS = Pattern.compile("[?&]brokers=([^&]+)");

    private final AddressGuard guard;
    private final Set<String> allowedSchemes;

    public Targets(AddressGuard guard, Set<String> allowedSchemes) {
        this.guard = guard;
        this.allowedSchemes = allowedSchemes;
    }

    /** herald.ssrf.allow-schemes: endpoint components allowed although the guard cannot tell where they connect. */
    public static Set<String> schemes(String setting) {
        Set<String> out = new TreeSet<>();
        for (String p : setting.split(",")) {
            String scheme = p.trim().toLowerCase(Locale.ROOT).replaceFirst(":$", "");
            if (scheme.isEmpty()) continue;
            if (!scheme.matches("[a-z][a-z0-9+.-]*")) {
                throw new IllegalArgumentException("herald.ssrf.allow-schemes: '" + p.trim() + "' is not a URI scheme such as seda or log");
            }
            out.add(scheme);
        }
        return out;
    }

    public AddressGuard guard() {
        return guard;
    }

    /*
     * Each check lists every reason a target is refused, each naming the parameter; empty when it
     * may be used. A name that does not resolve now passes: every delivery checks it again.
     */

    /** A webhook's or Slack's URL. */
    public List<String> url(URI url) {
        List<String> problems = new ArrayList<>();
        check("parameters.url", () -> guard.check(url), problems);
        return problems;
    }

    /** An email subscription's SMTP server ({@code port} as written: 587 when absent). */
    public List<String> smtpServer(String host, String port) {
        List<String> problems = new ArrayList<>();
        check("parameters.host", host, smtpPort(port), problems);
        return problems;
    }

    /** A kafka subscription's own brokers (null: Herald's own, herald.kafka.brokers, not judged). */
    public List<String> kafkaBrokers(String brokers) {
        List<String> problems = new ArrayList<>();
        brokers("parameters.brokers", brokers, problems);
        return problems;
    }

    /** An endpoint subscription's Camel URI, judged by its component. */
    public List<String> endpoint(String uri) {
        List<String> problems = new ArrayList<>();
        endpoint(uri, problems);
        return problems;
    }

    /**
     * The address an SMTP delivery connects to, checked now: the first of the host's checked addresses.
     *
     * @throws AddressGuard.Refused when the host resolves to a refused address
     * @throws UnknownHostException when it does not resolve (a retryable failure)
     */
    public InetAddress smtp(String host, String port) throws AddressGuard.Refused, UnknownHostException {
        return guard.check(host, smtpPort(port))[0];
    }

    private void endpoint(String uri, List<String> problems) {
        if (uri == null) return;
        String scheme = uri.substring(0, Math.max(0, uri.indexOf(':'))).toLowerCase(Locale.ROOT);
        if (allowedSchemes.contains(scheme)) return;
        switch (scheme) {
            case "jms" -> {
                String destination = uri.replaceFirst("\\?.*", "").replaceFirst("^jms:(queue:|topic:)?", "");
                if (destination.startsWith("herald.")) {
                    problems.add("parameters.uri: " + destination + " is one of Herald's own queues; an endpoint subscription"
                            + " sends to the platform's queues, such as jms:queue:partner.out");
                }
            }
            case "http", "https", "smtp", "smtps" -> {
                try {
                    URI u = new URI(uri);
                    int port = u.getPort() != -1 ? u.getPort() : switch (scheme) {
                        case "https" -> 443;
                        case "smtp" -> 587;
                        case "smtps" -> 465;
                        default -> 80;
                    };
                    if (u.getHost() == null) problems.add("parameters.uri '" + uri + "' names no host");
                    else check("parameters.uri", u.getHost(), port, problems);
                } catch (URISyntaxException e) {
                    problems.add("parameters.uri is not a URI: " + e.getReason());
                }
            }
            case "kafka" -> {
                var m = KAFKA_BROKERS.matcher(uri);
                if (m.find()) brokers("parameters.uri brokers", m.group(1), problems);
            }
            default -> {
                if (!LOCAL.contains(scheme)) {
                    problems.add("parameters.uri: Herald cannot tell where a '" + scheme + ":' endpoint connects, so it does not"
                            + " send there; use the webhook, email or kafka channel, or allow the scheme with herald.ssrf.allow-schemes="
                            + scheme + " if it is safe");
                }
            }
        }
    }

    private void brokers(String what, String brokers, List<String> problems) {
        if (brokers == null) return; // Herald's own: herald.kafka.brokers
        for (String b : brokers.split(",")) {
            String hostPort = b.trim();
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || !hostPort.substring(colon + 1).matches("\\d{1,5}")) {
                problems.add(what + ": '" + hostPort + "' is not host:port, such as kafka-1.partner.example:9092");
                continue;
            }
            check(what, hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)), problems);
        }
    }

    private interface Check {
        void run() throws AddressGuard.Refused, UnknownHostException;
    }

    private void check(String what, String host, int port, List<String> problems) {
        if (host != null) check(what, () -> guard.check(host, port), problems); // a missing host: the contract says so
    }

    private static void check(String what, Check check, List<String> problems) {
        try {
            check.run();
        } catch (AddressGuard.Refused e) {
            problems.add(what + ": " + e.getMessage());
        } catch (UnknownHostException e) {
            // Not resolvable from here, now: every delivery checks it again.
        }
    }

    private static int smtpPort(String port) {
        return port == null || !port.trim().matches("\\d{1,5}") ? 587 : Integer.parseInt(port.trim());
    }
}
