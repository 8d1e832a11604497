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
import java.util.Set;
import java.util.TreeSet;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The SSRF guard for every outbound HTTP channel. A partner's URL must resolve only to public
 * addresses: loopback, private (RFC 1918, ULA), link-local, cloud metadata, CGNAT, multicast,
 * unspecified, documentation and other reserved blocks are refused, unless the host or the address
 * is on the allow-list ({@code herald.ssrf.allow}). Redirects are never followed (the http component).
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

    private final List<Cidr> allowedBlocks = new ArrayList<>();
    private final Set<String> allowedHosts = new TreeSet<>();
    private final Lookup lookup;
    private final ThreadLocal<Pin> pin = new ThreadLocal<>();

    /** @param allow the allow-list: address blocks (10.20.0.0/16, fd12::/48, 127.0.0.1) and host names, comma separated */
    public AddressGuard(String allow, Lookup lookup) {
        this.lookup = lookup;
        if (allow != null) {
            for (String part : allow.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) continue;
                // An IPv6 address has a colon, an IPv4 one only digits and dots: anything else is a name.
                if (p.contains(":") || p.matches("[0-9./]+")) {
                    allowedBlocks.add(Cidr.parse(p));
                } else if (p.matches("[A-Za-z0-9.-]+")) {
                    allowedHosts.add(p.toLowerCase(Locale.ROOT));
                } else {
                    throw new IllegalArgumentException("herald.ssrf.allow: '" + p + "' is neither an address block such as"
                            + " 10.20.0.0/16 nor a host name");
                }
            }
        }
    }

    public AddressGuard(String allow) {
        this(allow, InetAddress::getAllByName);
    }

    /** Why Herald will not send to this address, or null if it may. */
    public String refusal(InetAddress address) {
        for (Cidr c : allowedBlocks) if (c.contains(address)) return null;
        InetAddress effective = embeddedIpv4(address);
        for (var e : BLOCKED.entrySet()) {
            if (e.getKey().contains(effective)) {
                return effective.getHostAddress() + " is " + e.getValue()
                        + (effective == address ? "" : " (inside " + address.getHostAddress() + ")");
            }
        }
        return null;
    }

    /** Resolves the URL's host and checks every address; returns them, or throws with the reason. */
    public InetAddress[] check(URI url) throws Refused, UnknownHostException {
        String host = url.getHost();
        if (host == null) throw new Refused(url + " has no host");
        return check(host);
    }

    public InetAddress[] check(String host) throws Refused, UnknownHostException {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = lookup.resolve(h);
        if (allowedHosts.contains(h.toLowerCase(Locale.ROOT))) return addresses;
        for (InetAddress a : addresses) {
            String why = refusal(a);
            if (why != null) {
                boolean literal = h.equals(a.getHostAddress()) || h.contains(":");
                throw new Refused((literal ? "" : h + " resolves to ") + why + "; Herald does not deliver to non-public addresses"
                        + " (allow a private partner network with herald.ssrf.allow)");
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
