package dev.herald.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The SSRF guard for every channel that connects to an address taken from configuration (webhook,
 * Slack, SMTP, Kafka brokers, endpoint URIs). A target must resolve only to public addresses:
 * loopback, private (RFC 1918, ULA), link-local, cloud metadata, CGNAT, multicast, unspecified,
 * documentation and other reserved blocks are refused, unless the host or the address is on the
 * allow-list ({@code herald.ssrf.allow}), on every port or on the one it names. Redirects are never
 * followed (the http component).
 *
 * <p>It is also the HTTP client's DNS resolver, and a delivery connects to exactly the addresses it
 * checked: {@link #pin} keeps them for the request on this thread, so the client does not look the
 * name up a second time (DNS rebinding: a name that answers public for the check and private for the
 * connection). A connection the client opens without a pin is checked here all the same.
 */
public final class AddressGuard implements DnsResolver {

    /** An address Herald refuses to send to, with the reason. */
    public static final class Refused extends Exception {
        public Refused(String reason) {
            super(reason);
        }
    }

    /** Looks a name up (the system resolver; a fake one in tests). */
    public interface Lookup {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private static final Map<Cidr, String> BLOCKED = new LinkedHashMap<>();

    static {
        // Order matters only for the reason given: the most specific first.
        block("169.254.169.254/32", "the cloud metadata service");
        block("fd00:ec2::254/128", "the cloud metadata service");
        block("0.0.0.0/8", "unspecified (\"this network\")");
        block("::/128", "unspecified");
        block("127.0.0.0/8", "loopback");
        block("::1/128", "loopback");
        block("10.0.0.0/8", "private (RFC 1918)");
        block("172.16.0.0/12", "private (RFC 1918)");
        block("192.168.0.0/16", "private (RFC 1918)");
        block("fc00::/7", "private (unique local, RFC 4193)");
        block("100.64.0.0/10", "carrier-grade NAT (RFC 6598)");
        block("169.254.0.0/16", "link-local");
        block("fe80::/10", "link-local");
        block("224.0.0.0/4", "multicast");
        block("ff00::/8", "multicast");
        block("240.0.0.0/4", "reserved (including broadcast)");
        block("192.0.0.0/24", "reserved for protocol assignments");
        block("192.0.2.0/24", "documentation");
        block("198.51.100.0/24", "documentation");
        block("203.0.113.0/24", "documentation");
        block("2001:db8::/32", "documentation");
        block("198.18.0.0/15", "benchmarking");
        block("fec0::/10", "site-local (deprecated)");
        block("100::/64", "discard-only");
    }

    private static void block(String cidr, String why) {
        BLOCKED.put(Cidr.parse(cidr), why);
    }

    private record Pin(String host, InetAddress[] addresses) {}

    /** A port that is not known (the HTTP client's DNS lookup): only allow-list entries for every port let it through. */
    public static final int ANY_PORT = -1;

    /** An allow-list entry: an address block or a host name, on one port or on every port. */
    private record Allowed(Cidr block, String host, int port) {
        boolean covers(int p) {
            return port == ANY_PORT || port == p;
        }

        String where() {
            return port == ANY_PORT ? "" : " on port " + port + " only";
        }
    }

    private static final Pattern BRACKETED = Pattern.compile("\\[([^]]+)](?::(\\d+))?");

    private final List<Allowed> allowed = new ArrayList<>();
    private final Lookup lookup;
    /** What a refusal suggests: the setting that could allow the address (none for partners, who cannot change it). */
    private final String hint;
    private final ThreadLocal<Pin> pin = new ThreadLocal<>();

    /**
     * @param allow the allow-list, comma separated: address blocks (10.20.0.0/16, fd12::/48, 127.0.0.1) and host
     *              names, each on every port or on one (127.0.0.1:9000, [::1]:9000, billing.internal:8443)
     */
    public AddressGuard(String allow, Lookup lookup) {
        this(allow, lookup, " (allow a private partner network with herald.ssrf.allow)");
    }

    /** @param hint appended to a refusal, such as " (allow ... with herald.ssrf.allow)"; empty for none */
    public AddressGuard(String allow, Lookup lookup, String hint) {
        this.lookup = lookup;
        this.hint = hint;
        if (allow != null) {
            for (String part : allow.split(",")) {
                String p = part.trim();
                if (!p.isEmpty()) allowed.add(parse(p));
            }
        }
    }

    public AddressGuard(String allow) {
        this(allow, InetAddress::getAllByName);
    }

    private static Allowed parse(String entry) {
        String target = entry;
        int port = ANY_PORT;
        Matcher bracketed = BRACKETED.matcher(entry);
        if (bracketed.matches()) {
            target = bracketed.group(1);
            if (bracketed.group(2) != null) port = port(entry, bracketed.group(2));
        } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
            // One colon: host:port or IPv4:port (an IPv6 address has several; with a port it is written [::1]:9000).
            target = entry.substring(0, entry.indexOf(':'));
            port = port(entry, entry.substring(entry.indexOf(':') + 1));
        }
        // An IPv6 address has a colon, an IPv4 one only digits and dots: anything else is a name.
        if (target.contains(":") || target.matches("[0-9./]+")) {
            try {
                return new Allowed(Cidr.parse(target), null, port);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("herald.ssrf.allow: " + e.getMessage(), e);
            }
        }
        if (target.matches("[A-Za-z0-9.-]+")) return new Allowed(null, target.toLowerCase(Locale.ROOT), port);
        throw new IllegalArgumentException("herald.ssrf.allow: '" + entry + "' is neither an address block such as 10.20.0.0/16"
                + " nor a host name, optionally with a port (127.0.0.1:9000, [::1]:9000, billing.internal:8443)");
    }

    private static int port(String entry, String text) {
        int port = text.matches("\\d{1,5}") ? Integer.parseInt(text) : 0;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("herald.ssrf.allow: '" + entry + "' has no valid port (1-65535) after the colon");
        }
        return port;
    }

    /** Why Herald will not connect to this address on an unknown port, or null if it may. */
    public String refusal(InetAddress address) {
        return refusal(address, ANY_PORT);
    }

    /** Why Herald will not connect to this address and port, or null if it may. */
    public String refusal(InetAddress address, int port) {
        for (Allowed a : allowed) if (a.block() != null && a.covers(port) && a.block().contains(address)) return null;
        InetAddress effective = embeddedIpv4(address);
        for (var e : BLOCKED.entrySet()) {
            if (e.getKey().contains(effective)) {
                return effective.getHostAddress() + " is " + e.getValue()
                        + (effective == address ? "" : " (inside " + address.getHostAddress() + ")") + allowedElsewhere(address);
            }
        }
        return null;
    }

    /** ", allowed on port 9000 only" when an allow-list entry names this address on another port. */
    private String allowedElsewhere(InetAddress address) {
        for (Allowed a : allowed) {
            if (a.block() != null && a.port() != ANY_PORT && a.block().contains(address)) return " (herald.ssrf.allow lets it through" + a.where() + ")";
        }
        return "";
    }

    /** Resolves the URL's host and checks every address on the URL's port; returns them, or throws with the reason. */
    public InetAddress[] check(URI url) throws Refused, UnknownHostException {
        String host = url.getHost();
        if (host == null) throw new Refused(url + " has no host");
        int port = url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return check(host, port);
    }

    /** Checks a host on an unknown port: only allow-list entries for every port let a non-public address through. */
    public InetAddress[] check(String host) throws Refused, UnknownHostException {
        return check(host, ANY_PORT);
    }

    /** Resolves {@code host} and checks every address on {@code port}; returns them, or throws with the reason. */
    public InetAddress[] check(String host, int port) throws Refused, UnknownHostException {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = lookup.resolve(h);
        for (Allowed a : allowed) if (a.host() != null && a.covers(port) && a.host().equalsIgnoreCase(h)) return addresses;
        for (InetAddress a : addresses) {
            String why = refusal(a, port);
            if (why != null) {
                boolean literal = h.equals(a.getHostAddress()) || h.contains(":");
                throw new Refused((literal ? "" : h + " resolves to ") + why + "; Herald does not connect to non-public addresses" + hint);
            }
        }
        return addresses;
    }

    /** The request about to be made on this thread goes to these (checked) addresses of {@code host}. */
    public void pin(String host, InetAddress[] addresses) {
        pin.set(new Pin(host, addresses));
    }

    public void unpin() {
        pin.remove();
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        Pin p = pin.get();
        if (p != null && p.host().equalsIgnoreCase(host)) return p.addresses();
        try {
            return check(host);
        } catch (Refused e) {
            throw new UnknownHostException(e.getMessage());
        }
    }

    @Override
    public String resolveCanonicalHostname(String host) {
        return host;
    }

    /** The IPv4 address inside an IPv4-mapped, NAT64 or 6to4 IPv6 address; otherwise the address itself. */
    static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) return address;
        byte[] a = address.getAddress();
        try {
            boolean mapped = true;
            for (int i = 0; i < 10; i++) mapped &= a[i] == 0;
            if (mapped && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff) {
                return Inet4Address.getByAddress(new byte[] {a[12], a[13], a[14], a[15]});
            }
            boolean nat64 = (a[0] & 0xff) == 0x00 && (a[1] & 0xff) == 0x64 && (a[2] & 0xff) == 0xff && (a[3] & 0xff) == 0x9b;
            for (int i = 4; i < 12 && nat64; i++) nat64 = a[i] == 0;
            if (nat64) return Inet4Address.getByAddress(new byte[] {a[12], a[13], a[14], a[15]});
            if ((a[0] & 0xff) == 0x20 && (a[1] & 0xff) == 0x02) {
                return Inet4Address.getByAddress(new byte[] {a[2], a[3], a[4], a[5]});
            }
        } catch (UnknownHostException e) {
            return address;
        }
        return address;
    }
}
