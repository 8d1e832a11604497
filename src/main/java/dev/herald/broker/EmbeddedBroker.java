package dev.herald.broker;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Artemis inside Herald's JVM: a persistent journal under the data directory, an in-VM acceptor for
 * Herald itself and a TCP acceptor (Core, AMQP, STOMP, OpenWire) for legacy clients.
 */
public final class EmbeddedBroker extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    /** In-VM server ids must be unique per JVM (tests run several Heralds in one JVM). */
    private static final AtomicInteger NEXT_VM_ID = new AtomicInteger();

    private final Path dataDir;
    private final String host;
    private final int port;
    private final int journalBufferTimeoutNanos;
    private final int vmId = NEXT_VM_ID.getAndIncrement();
    private EmbeddedActiveMQ server;

    public EmbeddedBroker(Path dataDir, String host, int port, int journalBufferTimeoutNanos) {
        this.dataDir = dataDir;
        this.host = host;
        this.port = port;
        this.journalBufferTimeoutNanos = journalBufferTimeoutNanos;
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
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setJournalType(JournalType.NIO)
                // The default (3.33 ms) caps each committing thread at ~280 tx/s on these disks.
                .setJournalBufferTimeout_NIO(journalBufferTimeoutNanos)
                .setJournalDirectory(broker.resolve("journal").toString())
                .setBindingsDirectory(broker.resolve("bindings").toString())
                .setPagingDirectory(broker.resolve("paging").toString())
                .setLargeMessagesDirectory(broker.resolve("large-messages").toString())
                .addAcceptorConfiguration("in-vm", vmUrl())
                .addAcceptorConfiguration("legacy",
                        "tcp://" + host + ":" + port + "?protocols=CORE,AMQP,STOMP,OPENWIRE");
        config.addAddressSetting("#", BrokerDefaults.addressSettings());
        config.addAddressSetting(BrokerDefaults.POISON_QUEUE, new AddressSettings().setMaxDeliveryAttempts(-1));
        config.addQueueConfiguration(QueueConfiguration.of(BrokerDefaults.POISON_QUEUE)
                .setRoutingType(RoutingType.ANYCAST).setDurable(true));
        server = new EmbeddedActiveMQ().setConfiguration(config);
        long t0 = System.nanoTime();
        server.start();
        var acceptor = server.getActiveMQServer().getRemotingService().getAcceptor("legacy");
        if (!server.getActiveMQServer().isActive() || acceptor == null || !acceptor.isStarted()) {
            server.stop();
            server = null;
            throw new IllegalStateException("the embedded broker cannot listen on " + host + ":" + port
                    + " (is another broker or Herald running there?); stop it, or choose another port: --herald.broker.port=61617");
        }
        LOG.info("Embedded Artemis started in {} ms: journal {}, legacy clients on tcp://{}:{} (Core, AMQP, STOMP, OpenWire)",
                (System.nanoTime() - t0) / 1_000_000, broker.resolve("journal"), host, port);
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
}
