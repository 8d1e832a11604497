package dev.herald.broker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.postoffice.impl.AddressImpl;
import org.apache.activemq.artemis.core.security.Role;

/**
 * Who may do what on the broker (docs/security.md, trust boundaries): Herald's own principal
 * everything; legacy producers only send to the ingress addresses; operators only browse the
 * rejected and dead letters. deploy/artemis/herald-broker.properties says the same for an external
 * broker.
 *
 * <p>Artemis applies the most specific match and does not merge matches, so every specific match
 * names Herald's role again.
 */
public final class BrokerRoles {

    public static final String HERALD = "herald";
    public static final String PRODUCER = "producer";
    public static final String OPERATOR = "operator";

    /** What operators may browse: the only copies of input Herald refused and deliveries it gave up. */
    public static final List<String> BROWSABLE = List.of(BrokerDefaults.REJECTED, BrokerDefaults.DEAD);

    private BrokerRoles() {}

    /**
     * The security settings by address match.
     *
     * @param ingress the address matches legacy producers may send to, such as {@code legacy.#}
     */
    public static Map<String, Set<Role>> byAddress(List<String> ingress) {
        Map<String, Set<Role>> roles = new LinkedHashMap<>();
        roles.put("#", Set.of(herald()));
        for (String match : ingress) roles.put(match, Set.of(herald(), producer()));
        for (String queue : BROWSABLE) roles.put(queue, Set.of(herald(), operator()));
        return roles;
    }

    /**
     * Checks the ingress matches: each must be an Artemis address match that leaves Herald's own
     * addresses out. Returns them trimmed.
     */
    public static List<String> ingress(String setting) {
        List<String> matches = List.of(setting.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("herald.broker.ingress-addresses is empty; list the addresses legacy producers send to,"
                    + " such as legacy.#,erp.#");
        }
        for (String m : matches) {
            if (!m.matches("[A-Za-z0-9._#*-]+")) {
                throw new IllegalArgumentException("herald.broker.ingress-addresses: '" + m + "' is not an address match;"
                        + " write names or wildcards such as legacy.# (# any number of words, * one word)");
            }
            for (String own : BrokerDefaults.QUEUES) {
                if (covers(m, own)) {
                    throw new IllegalArgumentException("herald.broker.ingress-addresses: '" + m + "' would let producers send to "
                            + own + ", one of Herald's own addresses; name only the queues your ingress routes read, such as legacy.#");
                }
            }
        }
        return matches;
    }

    /** Whether an address match covers an address, as the broker reads it. */
    public static boolean covers(String match, String address) {
        return new AddressImpl(SimpleString.of(address)).matches(new AddressImpl(SimpleString.of(match)));
    }

    private static Role herald() {
        Role r = new Role();
        r.setName(HERALD);
        r.setSend(true);
        r.setConsume(true);
        r.setBrowse(true);
        r.setCreateAddress(true);
        r.setDeleteAddress(true);
        r.setCreateDurableQueue(true);
        r.setDeleteDurableQueue(true);
        r.setCreateNonDurableQueue(true);
        r.setDeleteNonDurableQueue(true);
        r.setManage(true);
        return r;
    }

    /** Send, and create the address and its queue on first use (so it does not matter who starts first). */
    private static Role producer() {
        Role r = new Role();
        r.setName(PRODUCER);
        r.setSend(true);
        r.setCreateAddress(true);
        r.setCreateDurableQueue(true);
        return r;
    }

    private static Role operator() {
        Role r = new Role();
        r.setName(OPERATOR);
        r.setBrowse(true);
        return r;
    }
}
