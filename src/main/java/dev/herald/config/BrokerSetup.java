package dev.herald.config;

import dev.herald.broker.BrokerLogins;
import dev.herald.broker.BrokerRoles;
import dev.herald.broker.EmbeddedBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.jms.JmsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded broker as Herald's settings describe it: where it listens, with TLS or not, and who may log in. */
final class BrokerSetup {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerSetup.class);

    private BrokerSetup() {}

    static EmbeddedBroker embedded(Settings cfg, Path dataDir) throws IOException {
        EmbeddedBroker.Listener listener = new EmbeddedBroker.Listener(cfg.string("herald.broker.host"),
                cfg.integer("herald.broker.port"), tls(cfg));
        BrokerLogins logins = new BrokerLogins(
                // Herald's own password lives in this process only, unless an operator sets one (to log in as Herald).
                // No user named: Herald's role's name.
                new BrokerLogins.Login(cfg.optional("herald.broker.user").orElse(BrokerRoles.HERALD),
                        cfg.optional("herald.broker.password").orElseGet(BrokerLogins::newPassword),
                        cfg.optional("herald.broker.password").isPresent() ? "from herald.broker.password" : "in memory only"),
                login(cfg, dataDir, "producer"),
                login(cfg, dataDir, "operator"));
        int bufferTimeoutNanos = (int) cfg.duration("herald.broker.journal-buffer-timeout", "herald.broker.journal-buffer-timeout-ns",
                java.time.temporal.ChronoUnit.NANOS).toNanos();
        return new EmbeddedBroker(dataDir, listener, bufferTimeoutNanos, logins, ingress(cfg), cfg.integer("herald.dispatch.id-cache-size"));
    }

    static List<String> ingress(Settings cfg) {
        return BrokerRoles.ingress(cfg.string("herald.broker.ingress-addresses"));
    }

    /** herald.broker.&lt;who&gt;-user / -password; without a password, the one in data/broker-&lt;who&gt;.password (made on first start). */
    private static BrokerLogins.Login login(Settings cfg, Path dataDir, String who) throws IOException {
        String user = cfg.string("herald.broker." + who + "-user");
        var set = cfg.optional("herald.broker." + who + "-password");
        if (set.isPresent()) return new BrokerLogins.Login(user, set.get(), "from herald.broker." + who + "-password");
        Path file = dataDir.resolve("broker-" + who + ".password");
        return new BrokerLogins.Login(user, BrokerLogins.passwordFile(file), "in " + file);
    }

    /**
     * Says which queues the ingress routes read that legacy producers may not send to (a route added
     * without widening herald.broker.ingress-addresses): only Herald itself could feed them.
     */
    static void warnUnreachableIngress(CamelContext context, List<String> ingress) {
        for (Route route : context.getRoutes()) {
            if (!(route.getEndpoint() instanceof JmsEndpoint jms)) continue;
            String queue = jms.getDestinationName();
            if (queue.startsWith("herald.") || ingress.stream().anyMatch(m -> BrokerRoles.covers(m, queue))) continue;
            LOG.warn("Route {} reads the queue {}, which legacy producers may not send to (herald.broker.ingress-addresses = {});"
                    + " add it, such as {}.#", route.getRouteId(), queue, String.join(",", ingress), queue.split("\\.")[0]);
        }
    }

    private static EmbeddedBroker.Tls tls(Settings cfg) {
        var keystore = cfg.optional("herald.broker.tls-keystore");
        if (keystore.isEmpty()) return null;
        Path path = Path.of(keystore.get());
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("herald.broker.tls-keystore: cannot read " + path.toAbsolutePath()
                    + "; give the path of a PKCS12 or JKS keystore holding the broker's key and certificate");
        }
        String password = cfg.optional("herald.broker.tls-keystore-password").orElseThrow(() -> new IllegalArgumentException(
                "herald.broker.tls-keystore is set but herald.broker.tls-keystore-password is not; reference it,"
                        + " such as herald.broker.tls-keystore-password={{env:HERALD_BROKER_KEYSTORE_PASSWORD}}"));
        return new EmbeddedBroker.Tls(path, password, cfg.optional("herald.broker.tls-keystore-type").orElse(null));
    }
}
