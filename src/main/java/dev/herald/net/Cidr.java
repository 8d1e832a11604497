package dev.herald.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address block such as 10.0.0.0/8 or fc00::/7. */
public record Cidr(byte[] network, int bits) {

    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String host = slash < 0 ? t : t.substring(0, slash);
        if (!host.matches("[0-9a-fA-F:.]+") || !(host.contains(".") || host.contains(":"))) {
            throw new IllegalArgumentException("'" + t + "' is not an address or address block, such as 10.20.0.0/16 or fd12::/48");
        }
        try {
            byte[] addr = InetAddress.getByName(host).getAddress();
            int bits = slash < 0 ? addr.length * 8 : Integer.parseInt(t.substring(slash + 1));
            if (bits < 0 || bits > addr.length * 8) throw new IllegalArgumentException("'" + t + "': the prefix length is out of range");
            return new Cidr(addr, bits);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + t + "' is not an address or address block, such as 10.20.0.0/16 or fd12::/48");
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) return false;
        int full = bits / 8;
        for (int i = 0; i < full; i++) if (a[i] != network[i]) return false;
        int rest = bits % 8;
        if (rest == 0) return true;
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }
}
