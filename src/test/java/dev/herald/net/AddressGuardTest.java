package dev.herald.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The SSRF guard's decisions, one refused class per case. */
class AddressGuardTest {

    static final AddressGuard GUARD = new AddressGuard("");

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource({
        "127.0.0.1, loopback",
        "127.8.9.10, loopback",
        "::1, loopback",
        "10.1.2.3, private (RFC 1918)",
        "172.16.0.1, private (RFC 1918)",
        "172.31.255.255, private (RFC 1918)",
        "192.168.1.1, private (RFC 1918)",
        "fd12:3456::1, private (unique local",
        "169.254.169.254, the cloud metadata service",
        "fd00:ec2::254, the cloud metadata service",
        "169.254.10.1, link-local",
        "fe80::1, link-local",
        "100.64.0.1, carrier-grade NAT",
        "100.127.255.254, carrier-grade NAT",
        "224.0.0.1, multicast",
        "ff02::1, multicast",
        "0.0.0.0, unspecified",
        "::, unspecified",
        "255.255.255.255, reserved (including broadcast)",
        "240.0.0.1, reserved",
        "192.0.2.7, documentation",
        "2001:db8::1, documentation",
        "198.18.0.1, benchmarking",
        "::ffff:10.0.0.1, private (RFC 1918)",
        "64:ff9b::7f00:1, loopback",
        "2002:a00:1::1, private (RFC 1918)",
    })
    void nonPublicAddressesAreRefused(String address, String why) throws Exception {
        assertThat(GUARD.refusal(InetAddress.getByName(address))).contains(why);
        assertThatThrownBy(() -> GUARD.check(address)).isInstanceOf(AddressGuard.Refused.class)
                .hasMessageContaining(why).hasMessageContaining("herald.ssrf.allow");
    }

    @ParameterizedTest
    @CsvSource({"93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "192.169.0.1"})
    void publicAddressesPass(String address) throws Exception {
        assertThat(GUARD.refusal(InetAddress.getByName(address))).isNull();
    }

    @Test
    void aHostNameIsJudgedByEveryAddressItResolvesTo() {
        AddressGuard guard = new AddressGuard("", fake(Map.of("partner.example", new String[] {"93.184.215.14", "10.0.0.5"})));
        assertThatThrownBy(() -> guard.check("partner.example"))
                .hasMessageContaining("partner.example resolves to 10.0.0.5 is private (RFC 1918)");
    }

    @Test
    void localhostIsRefusedByName() {
        assertThatThrownBy(() -> GUARD.check("localhost")).hasMessageContaining("localhost resolves to").hasMessageContaining("loopback");
    }

    @Test
    void theAllowListLetsPrivatePartnerNetworksThrough() throws Exception {
        AddressGuard guard = new AddressGuard("127.0.0.1, 10.20.0.0/16, fd12::/48, billing.internal",
                fake(Map.of("billing.internal", new String[] {"192.168.7.7"})));
        assertThat(guard.check("127.0.0.1")).hasSize(1);
        assertThat(guard.check("10.20.30.40")).hasSize(1);
        assertThat(guard.check("fd12::9")).hasSize(1);
        assertThat(guard.check("billing.internal")).extracting(InetAddress::getHostAddress).containsExactly("192.168.7.7");
        assertThatThrownBy(() -> guard.check("10.21.0.1")).isInstanceOf(AddressGuard.Refused.class);
        assertThatThrownBy(() -> guard.check("127.0.0.2")).isInstanceOf(AddressGuard.Refused.class);
        assertThatThrownBy(() -> new AddressGuard("10.0.0.0/99")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> new AddressGuard("not a host!")).hasMessageContaining("herald.ssrf.allow");
    }

    @Test
    void anAllowListEntryMayNameOnePort() throws Exception {
        AddressGuard guard = new AddressGuard("127.0.0.1:9000, [::1]:9000, billing.internal:8443, 10.0.0.0/8",
                fake(Map.of("billing.internal", new String[] {"192.168.7.7"})));
        assertThat(guard.check("127.0.0.1", 9000)).hasSize(1);
        assertThat(guard.check("::1", 9000)).hasSize(1);
        assertThat(guard.check("billing.internal", 8443)).hasSize(1);
        assertThat(guard.check("10.1.2.3", 5432)).as("a block without a port: every port").hasSize(1);
        assertThatThrownBy(() -> guard.check("127.0.0.1", 8080)).hasMessageContaining("on port 9000 only");
        assertThatThrownBy(() -> guard.check("billing.internal", 443)).isInstanceOf(AddressGuard.Refused.class);
        // The HTTP client's own lookup knows no port: only entries for every port let it through.
        assertThatThrownBy(() -> guard.check("127.0.0.1")).isInstanceOf(AddressGuard.Refused.class);
        assertThatThrownBy(() -> new AddressGuard("127.0.0.1:99999")).hasMessageContaining("no valid port");
        assertThatThrownBy(() -> new AddressGuard("[::1]:http")).hasMessageContaining("herald.ssrf.allow");
    }

    @Test
    void theConnectionGoesToTheCheckedAddressNotASecondLookup() throws Exception {
        // DNS rebinding: the first answer is public, every later one loopback.
        AtomicInteger lookups = new AtomicInteger();
        AddressGuard guard = new AddressGuard("", host -> new InetAddress[] {
                InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.215.14" : "127.0.0.1")});
        InetAddress[] checked = guard.check("rebind.example");
        guard.pin("rebind.example", checked);
        assertThat(guard.resolve("rebind.example")).extracting(InetAddress::getHostAddress).containsExactly("93.184.215.14");
        assertThat(lookups).hasValue(1);
        guard.unpin();
        // Without a pin the client's own lookup is checked, and refused.
        assertThatThrownBy(() -> guard.resolve("rebind.example")).isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("loopback");
    }

    static AddressGuard.Lookup fake(Map<String, String[]> names) {
        return host -> {
            String[] a = names.get(host);
            if (a == null) return InetAddress.getAllByName(host);
            InetAddress[] out = new InetAddress[a.length];
            for (int i = 0; i < a.length; i++) out[i] = InetAddress.getByName(a[i]);
            return out;
        };
    }
}
