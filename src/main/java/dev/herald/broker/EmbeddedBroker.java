package dev.herald.broker;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.remoting.impl.netty.NettyAcceptorFactory;
import org.apache.activemq.artemis.core.remoting.impl.netty.TransportConstants;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artemis inside Herald's JVM: a persistent journal under the data directory, an in-VM acceptor for
 * Herald itself and a TCP acceptor (Core, AMQP, STOMP, OpenWire; TLS when a keystore is given) for
 * legacy clients. Security is always on: every connection logs in, and {@link BrokerRoles} decides
 * what each login may do.
 */
public final class EmbeddedBroker extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    /** In-VM server ids must be unique per JVM (tests run several Heralds in one JVM). */
    private static final AtomicInteger NEXT_VM_ID = new AtomicInteger();

    /** The TCP acceptor for legacy clients: where it listens, and its keystore when it speaks TLS (null: plain TCP). */
    public record Listener(String host, int port, Tls tls) {}

    /** A keystore by path; its password as given (a setting, which may reference the environment); type null: the JDK's default. */
    public record Tls(Path keystore, String password, String type) {}

    private final Path dataDir;
    private final Listener listener;
    private final int journalBufferTimeoutNanos;
    private final BrokerLogins logins;
    private final List<String> ingress;
    private final int dispatchedIds;
    private final int vmId = NEXT_VM_ID.getAndIncrement();
    private EmbeddedActiveMQ server;

    /**
     * @param ingress the address matches legacy producers may send to ({@link BrokerRoles#ingress})
     * @param dispatchedIds how many event ids {@code herald.log}'s duplicate-id cache holds: the
     *     ids of the latest events dispatched ({@link BrokerDefaults#logAddressSettings})
     */
    public EmbeddedBroker(Path dataDir, Listener listener, int journalBufferTimeoutNanos, BrokerLogins logins, List<String> ingress,
                          int dispatchedIds) {
        this.dataDir = dataDir;
        this.listener = listener;
        this.journalBufferTimeoutNanos = journalBufferTimeoutNanos;
        this.logins = logins;
        this.ingress = ingress;
        this.dispatchedIds = dispatchedIds;
    }

    /** Herald's own login, for its connections (and tests that act as Herald). */
    public BrokerLogins.Login heraldLogin() {
        return logins.herald();
    }

    /** The URL Herald's own connections use: in-VM, no sockets. */
    public String vmUrl() {
        return "vm://" + vmId;
    }

    @Override
    protected void doStart() throws Exception {
        Path broker = dataDir.resolve("broker");
        Configuration config = new ConfigurationImpl()
                .setName("herald-embedded")
                .setPersistenceEnabled(true)
                .setSecurityEnabled(true)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                // The default (3.33 ms) caps each committing thread at ~280 tx/s on these disks.
                .setJournalBufferTimeout_NIO(journalBufferTimeoutNanos)
                .setJournalDirectory(broker.resolve("journal").toString())
                .setBindingsDirectory(broker.resolve("bindings").toString())
                .setPagingDirectory(broker.resolve("paging").toString())
                .setLargeMessagesDirectory(broker.resolve("large-messages").toString())
                .addAcceptorConfiguration("in-vm", vmUrl())
                .addAcceptorConfiguration(legacyAcceptor());
        BrokerRoles.byAddress(ingress).forEach(config::putSecurityRoles);
        config.addAddressSetting("#", BrokerDefaults.addressSettings());
        config.addAddressSetting(BrokerDefaults.POISON_QUEUE, new AddressSettings().setMaxDeliveryAttempts(-1));
        config.addAddressSetting(BrokerDefaults.PARKED, BrokerDefaults.parkedSettings());
        config.addAddressSetting(BrokerDefaults.LOG, BrokerDefaults.logAddressSettings(dispatchedIds));
        // Herald's queues exist from the start: an operator may browse an empty herald.dead but not create it.
        for (String queue : BrokerDefaults.QUEUES) {
            config.addQueueConfiguration(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true));
        }
        server = new EmbeddedActiveMQ().setConfiguration(config).setSecurityManager(securityManager());
        long t0 = System.nanoTime();
        server.start();
        var acceptor = server.getActiveMQServer().getRemotingService().getAcceptor("legacy");
        if (!server.getActiveMQServer().isActive() || acceptor == null || !acceptor.isStarted()) {
            server.stop();
            server = null;
            throw new IllegalStateException("the embedded broker cannot listen on " + listener.host() + ":" + listener.port()
                    + " (is another broker or Herald running there?); stop it, or choose another port: --herald.broker.port=61617");
        }
        LOG.info("Embedded Artemis started in {} ms: journal {}, legacy clients on {}://{}:{} (Core, AMQP, STOMP, OpenWire)",
                (System.nanoTime() - t0) / 1_000_000, broker.resolve("journal"), listener.tls() == null ? "tcp" : "tls",
                listener.host(), listener.port());
        LOG.info("Broker logins: legacy producers as {}, sending to {} only; operators as {}, browsing {} only; Herald as {}",
                logins.producer(), String.join(", ", ingress), logins.operator(), String.join(", ", BrokerRoles.BROWSABLE),
                logins.herald());
        if (listener.tls() == null && !InetAddress.getByName(listener.host()).isLoopbackAddress()) {
            LOG.warn("The broker listens on {} without TLS: broker passwords and events cross the network in clear."
                    + " Give it a keystore (herald.broker.tls-keystore, herald.broker.tls-keystore-password; docs/security.md)",
                    listener.host());
        }
    }

    private TransportConfiguration legacyAcceptor() {
        Map<String, Object> p = new HashMap<>();
        p.put(TransportConstants.HOST_PROP_NAME, listener.host());
        p.put(TransportConstants.PORT_PROP_NAME, listener.port());
        p.put(TransportConstants.PROTOCOLS_PROP_NAME, "CORE,AMQP,STOMP,OPENWIRE");
        Tls tls = listener.tls();
        if (tls != null) {
            p.put(TransportConstants.SSL_ENABLED_PROP_NAME, true);
            p.put(TransportConstants.KEYSTORE_PATH_PROP_NAME, tls.keystore().toAbsolutePath().toString());
            p.put(TransportConstants.KEYSTORE_PASSWORD_PROP_NAME, tls.password());
            if (tls.type() != null) p.put(TransportConstants.KEYSTORE_TYPE_PROP_NAME, tls.type());
        }
        return new TransportConfiguration(NettyAcceptorFactory.class.getName(), p, "legacy");
    }

    /** The three logins, held in memory (JAAS through Artemis' in-VM login module), each with its role. */
    private ActiveMQJAASSecurityManager securityManager() {
        SecurityConfiguration users = new SecurityConfiguration();
        for (var login : List.of(Map.entry(logins.herald(), BrokerRoles.HERALD), Map.entry(logins.producer(), BrokerRoles.PRODUCER),
                Map.entry(logins.operator(), BrokerRoles.OPERATOR))) {
            users.addUser(login.getKey().user(), login.getKey().password());
            users.addRole(login.getKey().user(), login.getValue());
        }
        // The configuration name is the login module's class: SecurityConfiguration names its one entry after it.
        return new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users);
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** For tests and diagnostics: messages waiting (including scheduled ones) in a queue. */
    public long messageCount(String queue) {
        var q = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return q == null ? 0 : q.getMessageCount();
    }

    /** For tests and diagnostics: messages ever added to a queue since the broker started. */
    public long messagesAdded(String queue) {
        var q = server.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return q == null ? 0 : q.getMessagesAdded();
    }
}
