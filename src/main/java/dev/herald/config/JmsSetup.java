package dev.herald.config;

import dev.herald.broker.BrokerLogins;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/** Herald's JMS: pooled connections with its own login, and the transacted jms component every route uses. */
final class JmsSetup {

    private JmsSetup() {}

    static JmsPoolConnectionFactory pool(Settings cfg, String brokerUrl, BrokerLogins.Login login) {
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(brokerUrl, login.user(), login.password());
        // Spring creates a producer per send; without this every send first asks the broker
        // whether the queue exists (a round trip inside the transaction).
        artemis.setCacheDestinations(true);
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(artemis);
        pool.setMaxConnections(cfg.integer("herald.broker.pool-connections"));
        return pool;
    }

    static JmsComponent component(JmsPoolConnectionFactory pool) {
        JmsComponent jms = new JmsComponent();
        jms.setConnectionFactory(pool);
        // Local JMS transactions on the consumer's session; producers in the same route join it,
        // so "consume + send N" commits or rolls back as one. No Camel redelivery: the broker's.
        jms.setTransacted(true);
        jms.setLazyCreateTransactionManager(false);
        jms.setCacheLevelName("CACHE_CONSUMER");
        return jms;
    }
}
