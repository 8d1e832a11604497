package dev.herald.deliver;

import dev.herald.broker.BrokerDefaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQQueueExistsException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.reader.TextMessageUtil;
import org.apache.activemq.artemis.utils.UUIDGenerator;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliver stage: takes {@code herald.deliveries} and keeps many attempts in flight per thread,
 * committing whatever has answered together.
 *
 * <p>Each of {@code loops} threads holds a transacted Artemis core session with up to {@code slots}
 * attempts in flight (HTTP through {@link HttpCalls}, other channels through Camel's async send).
 * When attempts answer, the thread sends, for each, the attempt record and what follows it (the next
 * attempt scheduled by the broker, the dead letter, the next delivery of its ordering lane, Herald's
 * own events), acknowledges that one delivery message individually, and commits them all at once:
 * one disk sync for many deliveries. A delivery still in flight is not part of that commit (an
 * individual acknowledgement in a transacted core session commits with the sends beside it and
 * leaves the other messages with the consumer), so a slow receiver holds back only its own
 * deliveries, never a commit. If the session is lost, whatever was not committed returns to the
 * queue and is attempted again with the same {@code webhook-id} (at-least-once).
 *
 * <p>A delivery whose handling fails for an unexpected reason (the store down, a bug) is put back
 * scheduled with a growing pause, and after {@value #MAX_FAILURES} such failures parked on
 * {@code herald.poison} with the reason: the same policy the broker applies to Herald's other
 * queues, for one message instead of the whole session.
 */
public final class DeliveryConsumer extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryConsumer.class);

    static final int MAX_FAILURES = 100;
    private static final String FAILURES = "herald_failures";
    private static final String REASON = "herald_reason";
    private static final SimpleString DELIVERIES = SimpleString.of(BrokerDefaults.DELIVERIES);

    private final ServerLocator locator;
    private final String user;
    private final String password;
    private final DeliveryAttempts attempts;
    private final HttpCalls http;
    private final CamelContext camel;
    private final int loops;
    private final int slots;
    private final List<Thread> threads = new ArrayList<>();
    /** Parked queues known to exist. */
    private final java.util.Set<String> queues = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private ProducerTemplate template;
    private volatile boolean running;

    /**
     * @param loops threads, each with its own session
     * @param slots attempts in flight per thread
     */
    public DeliveryConsumer(ServerLocator locator, String user, String password, DeliveryAttempts attempts, HttpCalls http,
                            CamelContext camel, int loops, int slots) {
        this.locator = locator;
        this.user = user;
        this.password = password;
        this.attempts = attempts;
        this.http = http;
        this.camel = camel;
        this.loops = loops;
        this.slots = slots;
    }

    @Override
    protected void doStart() {
        template = camel.createProducerTemplate();
        running = true;
        for (int i = 0; i < loops; i++) {
            Thread t = new Thread(new Loop(), "herald-deliver-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(20));
        threads.clear();
        http.close();
        if (template != null) template.stop();
        locator.close();
    }

    /** One delivery taken from the broker: the session it came on, its message, and the exchange the channel works on. */
    private record Taken(ClientSession session, ClientMessage message, String body, Exchange exchange) {}

    /** An attempt that has answered ({@code error}: what the call threw, or null). */
    private record Answered(Taken taken, Throwable error) {}

    /** One thread's session and the attempts it has in flight. */
    private final class Loop implements Runnable {

        private final BlockingQueue<Answered> answered = new LinkedBlockingQueue<>();
        /** Taken, nothing to call (parked, deferred, refused): finished with the next commit. */
        private final List<Taken> ready = new ArrayList<>();
        private int inFlight;
        private ClientSession session;
        private ClientProducer producer;

        @Override
        public void run() {
            long backoff = 0;
            while (running) {
                try (ClientSessionFactory factory = locator.createSessionFactory();
                     ClientSession s = factory.createSession(user, password, false, false, false, false, 0)) {
                    session = s;
                    ClientConsumer consumer = s.createConsumer(DELIVERIES);
                    producer = s.createProducer();
                    s.start();
                    backoff = 0;
                    work(consumer);
                    drainOnStop();
                } catch (Exception e) {
                    abandonInFlight();
                    if (!running) return;
                    backoff = Math.min(Math.max(backoff * 2, 1000), 30_000);
                    LOG.warn("The deliver stage lost the broker ({}); what was not committed returns to {} and is attempted again;"
                            + " reconnecting in {} ms", e.getMessage(), BrokerDefaults.DELIVERIES, backoff);
                    sleep(backoff);
                }
            }
        }

        private void work(ClientConsumer consumer) throws ActiveMQException {
            while (running) {
                // Take what has come, up to the slots; wait briefly only when nothing else needs doing.
                while (inFlight < slots) {
                    long wait = inFlight == 0 && ready.isEmpty() && answered.isEmpty() ? 100 : 1;
                    ClientMessage m = consumer.receive(wait);
                    if (m == null) break;
                    Taken t = take(m);
                    if (!start(t)) ready.add(t);
                }
                if (inFlight >= slots && answered.isEmpty() && ready.isEmpty()) {
                    Answered a = poll();
                    if (a != null) answered.add(a);
                }
                List<Answered> done = answeredHere();
                if (done.isEmpty() && ready.isEmpty()) continue;
                try {
                    for (Taken t : ready) finish(t, null, false);
                    for (Answered a : done) finish(a.taken(), a.error(), true);
                    session.commit();
                } catch (ActiveMQException | RuntimeException e) {
                    // Not committed: back on the queue with the session. Their places under the caps are
                    // given back here (the ready ones' in abandonInFlight), or the subscription would stay
                    // at its cap for good after a broker restart.
                    done.forEach(a -> completed(a.taken().exchange(), false));
                    throw e;
                }
                for (Taken t : ready) completed(t.exchange(), true);
                for (Answered a : done) completed(a.taken().exchange(), true);
                ready.clear();
            }
        }

        /**
         * What has answered on this session (each a slot free again). An answer to a call made on an
         * earlier session is let go: that delivery went back to the queue with its session.
         */
        private List<Answered> answeredHere() {
            List<Answered> all = new ArrayList<>();
            answered.drainTo(all);
            List<Answered> here = new ArrayList<>(all.size());
            for (Answered a : all) {
                if (a.taken().session() == session) {
                    here.add(a);
                    inFlight--;
                } else {
                    completed(a.taken().exchange(), false);
                }
            }
            return here;
        }

        private Answered poll() {
            try {
                return answered.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        /** The delivery's text, read as it arrives (a large message streams, and the next receive would cut it off). */
        private Taken take(ClientMessage m) throws ActiveMQException {
            String body = m.getType() == Message.TEXT_TYPE
                    ? String.valueOf(TextMessageUtil.readBodyText(m.getBodyBuffer()))
                    : new String(bytes(m), java.nio.charset.StandardCharsets.UTF_8);
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody(body);
            Object slot = m.getObjectProperty(DeliveryAttempts.SLOT_HEADER);
            if (slot != null) exchange.getMessage().setHeader(DeliveryAttempts.SLOT_HEADER, Long.valueOf(slot.toString()));
            Object partnerSlot = m.getObjectProperty(DeliveryAttempts.PARTNER_SLOT_HEADER);
            if (partnerSlot != null) {
                exchange.getMessage().setHeader(DeliveryAttempts.PARTNER_SLOT_HEADER, Long.valueOf(partnerSlot.toString()));
            }
            Object deferred = m.getObjectProperty(DeliveryAttempts.DEFERRED_HEADER);
            if (deferred != null) exchange.getMessage().setHeader(DeliveryAttempts.DEFERRED_HEADER, deferred.toString());
            return new Taken(session, m, body, exchange);
        }

        private static byte[] bytes(ClientMessage m) {
            byte[] b = new byte[m.getBodyBuffer().readableBytes()];
            m.getBodyBuffer().readBytes(b);
            return b;
        }

        /** Prepares the attempt and starts the call; false when there is nothing to call (parked, deferred, refused). */
        private boolean start(Taken t) {
            Exchange exchange = t.exchange();
            try {
                attempts.prepare(exchange);
            } catch (Exception e) {
                exchange.setProperty(DeliveryPlan.STEP, null);
                exchange.setException(e);
                return false;
            }
            DeliveryPlan.Step step = exchange.getProperty(DeliveryPlan.STEP, DeliveryPlan.Step.class);
            if (step == DeliveryPlan.Step.CALL_HTTP) {
                inFlight++;
                http.call(exchange, error -> answered.add(new Answered(t, error)));
                return true;
            }
            if (step == DeliveryPlan.Step.CALL_URI) {
                inFlight++;
                template.asyncSend(exchange.getProperty(DeliveryPlan.TARGET, String.class), exchange)
                        .whenComplete((x, error) -> {
                            Throwable e = error != null ? error : exchange.getException();
                            exchange.setException(null);
                            answered.add(new Answered(t, e));
                        });
                return true;
            }
            return false;
        }

        /**
         * Sends what the delivery's outcome calls for and acknowledges it, in the current transaction.
         * A failure of Herald's own (not the channel's) puts the delivery back for later instead.
         */
        private void finish(Taken t, Throwable error, boolean called) throws ActiveMQException {
            Exchange exchange = t.exchange();
            List<DeliveryPlan.FollowUp> then;
            try {
                if (exchange.getException() != null) throw exchange.getException();
                DeliveryPlan.Step step = exchange.getProperty(DeliveryPlan.STEP, DeliveryPlan.Step.class);
                then = new ArrayList<>();
                if (called || step == DeliveryPlan.Step.NO_CALL) {
                    exchange.setProperty(Exchange.EXCEPTION_CAUGHT, error);
                    attempts.outcome(exchange);
                    then.add(new DeliveryPlan.FollowUp(BrokerDefaults.LOG, exchange.getMessage().getBody(String.class)));
                }
                @SuppressWarnings("unchecked")
                List<DeliveryPlan.FollowUp> more = exchange.getProperty(DeliveryPlan.THEN, List.class);
                if (more != null) then.addAll(more);
            } catch (Exception e) {
                retryLater(t, e);
                return;
            }
            for (DeliveryPlan.FollowUp f : then) {
                if (f.queue().startsWith(Parking.PREFIX)) ensureQueue(f.queue());
                producer.send(SimpleString.of(f.queue()), message(f.body(), f.headers()));
            }
            t.message().individualAcknowledge();
        }

        /** Back on the queue with a growing pause, or on herald.poison after too many tries. */
        private void retryLater(Taken t, Exception e) throws ActiveMQException {
            int failures = t.message().containsProperty(FAILURES) ? t.message().getIntProperty(FAILURES) + 1 : 1;
            ClientMessage again = message(t.body(), Map.of());
            t.message().getPropertyNames().forEach(name -> again.putObjectProperty(name, t.message().getObjectProperty(name)));
            again.putIntProperty(FAILURES, failures);
            again.putStringProperty(REASON, String.valueOf(e.getMessage()));
            if (failures >= MAX_FAILURES) {
                again.removeProperty(Message.HDR_SCHEDULED_DELIVERY_TIME);
                producer.send(SimpleString.of(BrokerDefaults.POISON_QUEUE), again);
                LOG.error("Delivery message failed {} times; parked on {}: {}", failures, BrokerDefaults.POISON_QUEUE, e.toString());
            } else {
                long pause = Math.min(1000L << Math.min(failures - 1, 6), 60_000);
                again.putLongProperty(Message.HDR_SCHEDULED_DELIVERY_TIME, System.currentTimeMillis() + pause);
                producer.send(DELIVERIES, again);
                LOG.warn("Could not finish a delivery ({}); trying it again in {} ms (failure {} of {})", e.toString(), pause,
                        failures, MAX_FAILURES);
            }
            t.message().individualAcknowledge();
        }

        /** Stopping: give what is in flight a moment to answer, and commit it. */
        private void drainOnStop() throws ActiveMQException {
            long until = System.currentTimeMillis() + 10_000;
            while (inFlight > 0 && System.currentTimeMillis() < until) {
                Answered a = poll();
                if (a != null) answered.add(a);
                List<Answered> done = answeredHere();
                if (done.isEmpty()) continue;
                try {
                    for (Answered d : done) finish(d.taken(), d.error(), true);
                    session.commit();
                } catch (ActiveMQException | RuntimeException e) {
                    done.forEach(d -> completed(d.taken().exchange(), false));
                    throw e;
                }
                for (Answered d : done) completed(d.taken().exchange(), true);
            }
        }

        /** A parked queue is made on first use: a core send creates the address, but no queue to keep the message. */
        private void ensureQueue(String name) throws ActiveMQException {
            if (queues.contains(name)) return;
            try {
                session.createQueue(QueueConfiguration.of(name).setRoutingType(RoutingType.ANYCAST).setDurable(true));
            } catch (ActiveMQQueueExistsException e) {
                // made by another thread or instance: what we wanted
            }
            queues.add(name);
        }

        /** A text message (as JMS clients read it) with its properties, durable. */
        private ClientMessage message(String body, Map<String, Object> headers) {
            ClientMessage m = session.createMessage(Message.TEXT_TYPE, true);
            // A message id, as a JMS producer gives each message: the admin API finds dead letters by it.
            m.setUserID(UUIDGenerator.getInstance().generateUUID());
            TextMessageUtil.writeBodyText(m.getBodyBuffer(), SimpleString.of(body));
            headers.forEach(m::putObjectProperty);
            return m;
        }

        /**
         * The session is gone: its uncommitted deliveries return to the queue. The calls still running
         * answer later, onto this loop's queue, where the next session lets them go (answeredHere).
         */
        private void abandonInFlight() {
            answeredHere().forEach(a -> completed(a.taken().exchange(), false));
            ready.forEach(t -> completed(t.exchange(), false));
            ready.clear();
            if (inFlight > 0) LOG.info("{} attempt(s) were in flight when the session was lost; they will be made again", inFlight);
            inFlight = 0;
            session = null;
        }
    }

    /** Runs the exchange's completions (metrics counted on commit, in-flight caps given back). */
    private static void completed(Exchange exchange, boolean committed) {
        List<Synchronization> syncs = exchange.getExchangeExtension().handoverCompletions();
        if (syncs == null) return;
        for (Synchronization s : syncs) {
            if (committed) s.onComplete(exchange);
            else s.onFailure(exchange);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
