package dev.herald.deliver;

import dev.herald.channel.Channel;
import dev.herald.channel.Channels;
import dev.herald.event.Json;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.store.LogRecord;
import dev.herald.store.OrderingLanes;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionRegistry;
import dev.herald.trace.Tracing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attempt model every channel shares, around the channel call in the deliver route:
 * {@link #prepare} shapes the payload and lets the subscription's {@link Channel} build the request;
 * {@link #outcome} takes the channel's reading of the answer and decides the next step — done,
 * retry at a time (or when the receiver asked), or dead — with the attempt record, the dead letter
 * and Herald's operational events.
 */
public final class DeliveryAttempts {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryAttempts.class);

    /** Exchange properties the deliver route reads. The channel to call, or none when no attempt can succeed. */
    public static final String CHANNEL = "heraldChannel";
    /** Herald's own events to publish with this attempt's outcome (a List of CloudEvent JSON). */
    public static final String OPERATIONAL_EVENTS = "heraldOperationalEvents";
    public static final String OUTCOME = "heraldOutcome";
    public static final String NEXT = "heraldNext";
    public static final String NEXT_AT = "heraldNextAt";
    public static final String DEAD = "heraldDead";
    /** True when the delivery is not its lane's head: its body was parked, nothing more to do. */
    public static final String PARKED = "heraldParked";
    /** The next delivery of the lane, parked until this one finished: to send on now. */
    public static final String WAKE = "heraldWake";
    /** True when the delivery must wait (circuit open, cap, rate): it goes back to the broker, scheduled, unattempted. */
    public static final String DEFERRED = "heraldDeferred";
    /** The store record of a deferral (LogRecord.Deferred as JSON), to send to herald.log with it; null: nothing new to record. */
    public static final String DEFERRED_LOG = "heraldDeferredLog";
    /** The rate-limit slot a deferred delivery holds, as a message header. */
    static final String SLOT_HEADER = "herald_slot";
    /** Why a deferred delivery waited last time, as a message header (so a repeat need not be recorded again). */
    static final String DEFERRED_HEADER = "herald_deferred";
    private static final String DELIVERY = "heraldDelivery";
    private static final String SUBSCRIPTION = "heraldSubscription";
    /** A receiver's Retry-After is honoured up to this long; beyond it, Herald asks again after a day. */
    static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);
    private static final String STARTED = "heraldStarted";
    private static final String TRACE = "heraldTrace";
    private static final String REASON = "heraldReason";

    private final SubscriptionRegistry subscriptions;
    private final Channels channels;
    private final OrderingLanes lanes;
    private final HeraldMetrics metrics;
    private final Admission admission;
    private final String instanceId;
    private final Tracing tracing;

    public DeliveryAttempts(SubscriptionRegistry subscriptions, Channels channels, OrderingLanes lanes, HeraldMetrics metrics,
                            Admission admission, String instanceId, Tracing tracing) {
        this.tracing = tracing;
        this.subscriptions = subscriptions;
        this.channels = channels;
        this.lanes = lanes;
        this.metrics = metrics;
        this.admission = admission;
        this.instanceId = instanceId;
    }

    public void prepare(Exchange exchange) throws Exception {
        String body = exchange.getMessage().getBody(String.class);
        Delivery d = Json.read(body, Delivery.class);
        exchange.setProperty(DELIVERY, d);
        if (d.orderingKey() != null && !lanes.turn(d.subscriptionId(), d.orderingKey(), d.id(), body, System.currentTimeMillis())) {
            LOG.debug("Delivery {} to {} waits for an earlier delivery of key {}", d.id(), d.subscriptionId(), d.orderingKey());
            exchange.setProperty(PARKED, true);
            return;
        }
        Long slotHeld = exchange.getMessage().getHeader(SLOT_HEADER, Long.class);
        String deferredBefore = exchange.getMessage().getHeader(DEFERRED_HEADER, String.class);
        // A plain message from here on, with only what we set: no JMS or Camel header reaches the
        // partner, and the channel's copies of it stay cheap (copying a JmsMessage makes Camel
        // throw and catch an exception: JmsMessage.newInstance in Camel 4.18).
        Message m = new DefaultMessage(exchange);
        m.setBody(body);
        exchange.setIn(m);
        Subscription s = subscriptions.byId(d.subscriptionId());
        String disabled = subscriptions.disabledReason(d.subscriptionId());
        if (s == null || disabled != null) {
            skip(exchange, s == null
                    ? "subscription '" + d.subscriptionId() + "' no longer exists"
                    : "subscription '" + d.subscriptionId() + "' is disabled: " + disabled);
            return;
        }
        exchange.setProperty(SUBSCRIPTION, s);
        exchange.setProperty(CHANNEL, s.channel());
        long now = System.currentTimeMillis();
        Admission.Wait wait = admission.admit(exchange, s, now, slotHeld);
        if (wait != null) {
            // Back to the broker as it came (same attempt number), scheduled for when it may go.
            m.setHeader("_AMQ_SCHED_DELIVERY", wait.until());
            if (wait.slot() != null) m.setHeader(SLOT_HEADER, wait.slot());
            m.setHeader(DEFERRED_HEADER, wait.why().label());
            exchange.setProperty(DEFERRED, true);
            // The store says it is deferred, why and until when. A delivery at its concurrency cap is
            // looked at again every moment: recorded once, not at every look, and with no time.
            boolean atCap = wait.why() == Admission.Why.CONCURRENCY;
            if (!(atCap && wait.why().label().equals(deferredBefore))) {
                exchange.setProperty(DEFERRED_LOG, Json.string(new LogRecord.Deferred(d.id(), d.eventId(), d.subscriptionId(),
                        d.attempt(), now, wait.why().label(), atCap ? null : wait.until())));
            }
            metrics.deferred(exchange, d.subscriptionId(), wait.why().label());
            LOG.debug("Delivery {} to {} waits {} ms: {}", d.id(), d.subscriptionId(), wait.until() - now, wait.reason());
            return;
        }
        Tracing.Attempt attempt = tracing.attempt(d.trace(), d.id(), d.subscriptionId(), d.attempt());
        exchange.setProperty(TRACE, attempt);
        Channel channel = channels.get(s.channel());
        try {
            channel.prepare(exchange, d, s, channels.payload(s, d.event()), now);
        } catch (Channel.PermanentFailure e) {
            skip(exchange, e.getMessage());
            return;
        }
        if (channel.carriesTraceContext() && attempt.context().traceparent() != null) {
            m.setHeader("traceparent", attempt.context().traceparent());
            if (attempt.context().tracestate() != null) m.setHeader("tracestate", attempt.context().tracestate());
        }
        exchange.setProperty(STARTED, now);
    }

    /** No attempt can succeed: record it as made and failed for good, with the reason. */
    private static void skip(Exchange exchange, String reason) {
        exchange.setProperty(CHANNEL, "none");
        exchange.setProperty(REASON, reason);
        exchange.setProperty(STARTED, System.currentTimeMillis());
    }

    public void outcome(Exchange exchange) throws Exception {
        Delivery d = exchange.getProperty(DELIVERY, Delivery.class);
        long started = exchange.getProperty(STARTED, Long.class);
        long now = System.currentTimeMillis();
        int latency = (int) (now - started);
        Message m = exchange.getMessage();
        // The subscription the request was made for, even if the file changed meanwhile.
        Subscription s = exchange.getProperty(SUBSCRIPTION, Subscription.class);
        Integer status = null;
        String excerpt = null;
        AttemptOutcome result = null;
        if (!"none".equals(exchange.getProperty(CHANNEL, String.class))) {
            Channel.Answer answer = channels.get(s.channel())
                    .answer(exchange, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class), now);
            result = answer.outcome();
            status = answer.status();
            excerpt = answer.excerpt();
        }
        String outcome;
        String reason;
        Long nextAt = null;
        if (result == null) {
            outcome = "dead";
            reason = exchange.getProperty(REASON, String.class);
        } else if (result.kind() == AttemptOutcome.Kind.SUCCESS) {
            outcome = "succeeded";
            reason = null;
        } else if (result.kind() == AttemptOutcome.Kind.PERMANENT) {
            outcome = "dead";
            reason = result.reason();
        } else if (result.kind() == AttemptOutcome.Kind.GONE) {
            outcome = "dead";
            reason = result.reason();
            subscriptions.disable(d.subscriptionId(), result.reason() + " (" + s.url() + ")");
        } else if (s.retry().exhaustedAfter(d.scheduled())) {
            outcome = "dead";
            reason = "gave up after " + d.scheduled() + " attempt(s) (the schedule is " + s.retry() + "); last: " + result.reason();
        } else {
            outcome = "retrying";
            reason = result.reason();
            Duration delay = result.retryAfter() != null
                    ? (result.retryAfter().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : result.retryAfter())
                    : s.retry().delayBefore(d.scheduled() + 1);
            nextAt = now + delay.toMillis();
        }
        m.getHeaders().clear();
        exchange.setProperty(OUTCOME, outcome);
        Tracing.Attempt attempt = exchange.getProperty(TRACE, Tracing.Attempt.class);
        if (attempt != null) attempt.end(outcome, status, reason);
        Admission.Verdict verdict = Admission.Verdict.NONE;
        if (result != null && result.kind() != AttemptOutcome.Kind.PERMANENT && result.kind() != AttemptOutcome.Kind.GONE) {
            verdict = admission.attempted(d.subscriptionId(), result.kind() == AttemptOutcome.Kind.SUCCESS, now);
        }
        // Told once: by the attempt that disabled it, not by every one failing beside it.
        boolean disabledNow = verdict.disable() && subscriptions.disabledReason(d.subscriptionId()) == null;
        if (disabledNow) subscriptions.disable(d.subscriptionId(), verdict.reason());
        metrics.attempt(exchange, outcome, exchange.getProperty(CHANNEL, String.class), d.subscriptionId(), latency);
        m.setBody(Json.string(new LogRecord.Attempt(UUID.randomUUID().toString(), d.id(), d.eventId(), d.subscriptionId(),
                d.attempt(), started, latency, status, excerpt, "succeeded".equals(outcome) ? null : reason, outcome, nextAt,
                instanceId)));
        if (nextAt != null) {
            exchange.setProperty(NEXT, Json.string(d.nextAttempt()));
            exchange.setProperty(NEXT_AT, nextAt);
        }
        List<String> operational = new ArrayList<>();
        if (result != null && result.kind() == AttemptOutcome.Kind.GONE) {
            operational.add(OperationalEvents.subscriptionDisabled(d, reason));
        }
        if (disabledNow) {
            operational.add(OperationalEvents.subscriptionDisabled(d, verdict.reason()));
        }
        if ("dead".equals(outcome) && !OperationalEvents.isOperational(d.event().path("type").asText())) {
            operational.add(OperationalEvents.deliveryDead(d, reason));
        }
        exchange.setProperty(OPERATIONAL_EVENTS, operational.isEmpty() ? null : operational);
        if (d.orderingKey() != null && nextAt == null) {
            lanes.leave(d.subscriptionId(), d.orderingKey(), d.id(), now).ifPresent(next -> exchange.setProperty(WAKE, next));
        }
        if ("dead".equals(outcome)) {
            exchange.setProperty(DEAD, Json.string(new LogRecord.Dead(d.id(), d.eventId(), d.subscriptionId(), reason, now,
                    Json.MAPPER.valueToTree(d))));
            LOG.warn("Delivery {} of event {} to {} is dead: {}", d.id(), d.eventId(), d.subscriptionId(), reason);
        } else if (nextAt != null) {
            LOG.info("Delivery {} to {} attempt {} failed ({}); next attempt in {} ms", d.id(), d.subscriptionId(),
                    d.attempt(), reason, nextAt - now);
        } else {
            LOG.debug("Delivery {} to {} succeeded on attempt {} in {} ms", d.id(), d.subscriptionId(), d.attempt(), latency);
        }
    }

}
