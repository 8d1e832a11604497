package dev.herald.broker;

import dev.herald.support.StandaloneArtemis;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import java.util.Collections;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The external broker as deploy/artemis/ configures it (the broker properties and
 * configure-users.sh on an instance made by `artemis create`): the same boundaries as the embedded one.
 */
class StandaloneBrokerRolesTest extends BrokerRolesContract {

    static StandaloneArtemis artemis;

    @BeforeAll
    static void start() throws Exception {
        artemis = StandaloneArtemis.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (artemis != null) artemis.close();
    }

    @Override
    int port() {
        return Integer.parseInt(artemis.url().substring(artemis.url().lastIndexOf(':') + 1));
    }

    @Override
    String producerPassword() {
        return StandaloneArtemis.PRODUCER_PASSWORD;
    }

    @Override
    String operatorPassword() {
        return StandaloneArtemis.OPERATOR_PASSWORD;
    }

    /** No Herald runs here: Herald's login puts a rejected message there, as Herald would. */
    @Override
    long rejectedWithOne() throws Exception {
        try (ActiveMQConnectionFactory cf = asHerald(); Connection c = cf.createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            var m = s.createTextMessage("not an event");
            m.setStringProperty("herald_reason", "the body is not valid JSON");
            s.createProducer(s.createQueue(BrokerDefaults.REJECTED)).send(m);
        }
        return rejectedCount();
    }

    @Override
    long rejectedCount() throws Exception {
        try (ActiveMQConnectionFactory cf = asHerald(); Connection c = cf.createConnection();
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            c.start();
            return Collections.list(s.createBrowser(s.createQueue(BrokerDefaults.REJECTED)).getEnumeration()).size();
        }
    }

    /**
     * deploy/artemis/herald-broker.properties gives herald.log the embedded broker's duplicate-id
     * cache (herald.dispatch.id-cache-size's default), and a dispatched record's id is refused twice.
     */
    @org.junit.jupiter.api.Test
    void theLogRemembersAsManyDispatchedEventIdsAsTheEmbeddedBroker() throws Exception {
        try (ActiveMQConnectionFactory cf = asHerald(); Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var request = s.createMessage();
            org.apache.activemq.artemis.api.jms.management.JMSManagementHelper.putOperationInvocation(request, "broker",
                    "getAddressSettingsAsJSON", BrokerDefaults.LOG);
            var requestor = new jakarta.jms.QueueRequestor((jakarta.jms.QueueSession) c.createSession(false, Session.AUTO_ACKNOWLEDGE),
                    s.createQueue("activemq.management"));
            var reply = requestor.request(request);
            String json = (String) org.apache.activemq.artemis.api.jms.management.JMSManagementHelper.getResult(reply, String.class);
            org.assertj.core.api.Assertions.assertThat(dev.herald.event.Json.tree(json).path("idCacheSize").asInt())
                    .as(json).isEqualTo(defaultIdCacheSize());

            Session tx = c.createSession(true, Session.SESSION_TRANSACTED);
            for (int i = 0; i < 2; i++) {
                var m = tx.createTextMessage("{\"kind\": \"dispatched\"}");
                m.setStringProperty("_AMQ_DUPL_ID", "standalone-evt-1");
                tx.createProducer(tx.createQueue(BrokerDefaults.LOG)).send(m);
                if (i == 0) {
                    tx.commit();
                } else {
                    var refused = org.assertj.core.api.Assertions.catchThrowableOfType(jakarta.jms.JMSException.class, tx::commit);
                    org.assertj.core.api.Assertions.assertThat(BrokerErrors.isDuplicate(refused)).isTrue();
                    tx.rollback();
                }
            }
        }
    }

    private static int defaultIdCacheSize() throws Exception {
        var p = new java.util.Properties();
        try (var in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of("config/application.properties"))) {
            p.load(in);
        }
        return Integer.parseInt(p.getProperty("herald.dispatch.id-cache-size").trim());
    }

    private static ActiveMQConnectionFactory asHerald() {
        return new ActiveMQConnectionFactory(artemis.url(), StandaloneArtemis.USER, StandaloneArtemis.PASSWORD);
    }
}
