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

    private static ActiveMQConnectionFactory asHerald() {
        return new ActiveMQConnectionFactory(artemis.url(), StandaloneArtemis.USER, StandaloneArtemis.PASSWORD);
    }
}
