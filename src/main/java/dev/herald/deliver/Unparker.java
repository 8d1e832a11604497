package dev.herald.deliver;

import dev.herald.broker.BrokerDefaults;
import java.time.Duration;
import java.util.Map;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves parked deliveries ({@link Parking}) back to {@code herald.deliveries} when they may go: one
 * whenever the subscription's circuit is due a probe; with the circuit closed, about as many as the
 * subscription takes ({@link Admission#feed}: what it finished since the last run and half as many
 * again), so a partner at its cap or just recovered is fed at its own pace; all of them if the
 * subscription is gone (they end as dead letters with the reason). It runs every second as a
 * housekeeping route and opens a broker session only when some subscription has parked deliveries.
 *
 * <p>Draining is paced: at most {@code perRun} deliveries a run, and only while
 * {@code herald.deliveries} holds fewer than {@code maxWaiting}, so a recovered partner's backlog
 * joins the queue no faster than it is taken and never stands in front of everyone else's new
 * deliveries.
 */
public final class Unparker {

    private static final Logger LOG = LoggerFactory.getLogger(Unparker.class);
    private static final SimpleString DELIVERIES = SimpleString.of(BrokerDefaults.DELIVERIES);
    /** How often the housekeeping route runs this: what a run moves is spread over it. */
    public static final Duration PERIOD = Duration.ofSeconds(1);
    /** A parked queue emptied of at least this many is logged at INFO; smaller overflows at a cap at DEBUG. */
    private static final int LOGGED_BACKLOG = 100;

    private final Parking parking;
    private final Admission admission;
    private final ServerLocator locator;
    private final String user;
    private final String password;
    private final int perRun;
    private final int maxWaiting;

    public Unparker(Parking parking, Admission admission, ServerLocator locator, String user, String password, int perRun,
                    int maxWaiting) {
        this.parking = parking;
        this.admission = admission;
        this.locator = locator;
        this.user = user;
        this.password = password;
        this.perRun = perRun;
        this.maxWaiting = maxWaiting;
    }

    public void run() throws Exception {
        Map<String, Long> marked = parking.marked();
        if (marked.isEmpty()) return;
        long now = System.currentTimeMillis();
        try (ClientSessionFactory factory = locator.createSessionFactory();
             ClientSession session = factory.createSession(user, password, false, false, false, false, 0)) {
            session.start();
            ClientProducer producer = session.createProducer();
            int budget = perRun;
            for (Map.Entry<String, Long> e : marked.entrySet()) {
                String id = e.getKey();
                SimpleString queue = SimpleString.of(Parking.queue(id));
                ClientSession.QueueQuery q = session.queueQuery(queue);
                long waiting = q.isExists() ? q.getMessageCount() : 0;
                if (waiting == 0) {
                    if (now - e.getValue() > Parking.FORGET_AFTER_MILLIS) parking.forget(id, e.getValue());
                    continue;
                }
                SubscriptionHealth.State circuit = admission.circuit(id);
                int n;
                if (circuit != null && circuit.open()) {
                    // Closed to all but a probe: one goes back when the probe is due, and admission lets it be the probe.
                    n = now >= circuit.openUntil() ? 1 : 0;
                } else {
                    // As many as the subscription takes (Admission.feed), within the run's budget and
                    // the room in herald.deliveries.
                    long room = maxWaiting - session.queueQuery(DELIVERIES).getMessageCount();
                    n = (int) Math.max(0, Math.min(Math.min(room, budget), Math.min(waiting, admission.feed(id))));
                }
                if (n == 0) continue;
                int moved = move(session, producer, queue, n);
                budget -= moved;
                if (circuit == null || !circuit.open()) {
                    // Every second while a partner is at its cap: the log says when a backlog (not a
                    // moment's overflow) has emptied.
                    if (moved >= waiting && moved >= LOGGED_BACKLOG) LOG.info("Subscription {}: its last {} parked deliveries back to {}", id, moved, BrokerDefaults.DELIVERIES);
                    else LOG.debug("Subscription {}: {} parked deliveries back to {} ({} still parked)", id, moved, BrokerDefaults.DELIVERIES,
                            waiting - moved);
                }
                if (budget <= 0) break;
            }
        }
    }

    /**
     * Up to {@code n} from the parked queue to herald.deliveries, committed in batches: nothing is ever
     * in neither. Spread over the second until the next run (scheduled), not in one burst: a burst
     * would find the subscription at its cap and be parked again, all but a cap's worth.
     */
    private static int move(ClientSession session, ClientProducer producer, SimpleString queue, int n) throws Exception {
        int moved = 0;
        long start = System.currentTimeMillis();
        try (ClientConsumer consumer = session.createConsumer(queue)) {
            while (moved < n) {
                ClientMessage m = consumer.receive(200);
                if (m == null) break;
                ClientMessage copy = copy(session, m);
                if (moved > 0) copy.putLongProperty(Message.HDR_SCHEDULED_DELIVERY_TIME, start + moved * PERIOD.toMillis() / n);
                producer.send(DELIVERIES, copy);
                m.acknowledge();
                if (++moved % 500 == 0) session.commit();
            }
            session.commit();
        }
        return moved;
    }

    /** The same body and properties, as a new message (no schedule of its own). */
    private static ClientMessage copy(ClientSession session, ClientMessage m) {
        ClientMessage copy = session.createMessage(m.getType(), true);
        copy.setUserID(m.getUserID());
        byte[] body = new byte[m.getBodyBuffer().readableBytes()];
        m.getBodyBuffer().readBytes(body);
        copy.getBodyBuffer().writeBytes(body);
        for (SimpleString name : m.getPropertyNames()) copy.putObjectProperty(name, m.getObjectProperty(name));
        copy.removeProperty(Message.HDR_SCHEDULED_DELIVERY_TIME);
        return copy;
    }
}
