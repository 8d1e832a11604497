package dev.herald.health;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Ready only while the broker takes connections: every ingress hands its events to it. */
public final class BrokerReadiness extends AbstractHealthCheck {

    private final ConnectionFactory connections;

    public BrokerReadiness(ConnectionFactory connections) {
        super("herald", "broker");
        this.connections = connections;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        // A pooled connection that the broker dropped fails here, as a new one would.
        try (Connection c = connections.createConnection()) {
            c.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE).close();
            builder.up();
        } catch (Exception e) {
            builder.message("the broker does not answer: " + e.getMessage()).error(e).down();
        }
    }
}
