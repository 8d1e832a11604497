package dev.herald.deliver;

import dev.herald.broker.BrokerDefaults;
import dev.herald.channel.Channel;
import dev.herald.channel.Channels;
import dev.herald.event.Json;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.store.LogRecord;
import dev.herald.store.DeliveryStatus;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionRegistry;
import dev.herald.trace.Tracing;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.herald.channel.AttemptOutcome;

/**
 * The attempt model every channel shares, around the channel call the {@link DeliveryConsumer}
 * makes: {@link #prepare} decides the {@link DeliveryPlan.Step} and lets the subscription's
 * {@link Channel} build the request; {@link #outcome} reads the channel's answer and decides what
 * follows — done, retry at a time (or when the receiver asked), or dead — as the attempt record and
 * a list of {@link DeliveryPlan.FollowUp} messages sent in the same transaction as the ack.
 */
public final class DeliveryAttempts {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryAttempts.class);

    /** The rate-limit slot a deferred delivery holds, as a message header. */
    static final String SLOT_HEADER = "herald_slot";
    /** The slot on its partner's shared rate a deferred delivery holds, as a message header. */
    static final String PARTNER_SLOT_HEADER = "herald_partner_slot";
    /** Why a deferred delivery waited last time, as a message header (so a repeat need not be recorded again). */
    public static final String DEFERRED_HEADER = "herald_deferred";
    /** A receiver's Retry-After is honoured up to this long; beyond it, Herald asks again after a day. */
    static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);
    /** What prepare learnt, for outcome: the bean's own property, not the route's. */
    private static final String ATTEMPT = "heraldAttempt";

    /** One attempt in progress: the delivery, its subscription, the channel, when it started, and why none could be made. */
    private record Attempt(Delivery delivery, Subscription subscription, Channel channel, long started, String noCallReason,
                           Tracing.Attempt trace) {}

    /** What an attempt's answer means: the delivery's status now, why, and when the next attempt goes. */
    private record Verdict(DeliveryStatus status, String reason, Long nextAt) {}

    private final SubscriptionRegistry subscriptions;
    private final Channels channels;
    private final OrderingLanes lanes;
    private final HeraldMetrics metrics;
    private final Admission admission;
    private final String instanceId;
    private final Tracing tracing;
    private final Parking parking;

    public DeliveryAttempts(SubscriptionRegistry subscriptions, Channels channels, OrderingLanes lanes, HeraldMetrics metrics,
                            Admission admission, Parking parking, String instanceId, Tracing tracing) {
        this.parking = parking;
        this.subscriptions = subscriptions;
        this.channels = channels;
        this.lanes = lanes;
        this.metrics = metrics;
        this.admission = admission;
        this.instanceId = instanceId;
        this.tracing = tracing;
    }

    public void prepare(Exchange exchange) throws Exception {
        String body = exchange.getMessage().getBody(String.class);
        Delivery d = Json.read(body, Delivery.class);
        exchange.setProperty(DeliveryPlan.THEN, List.of());
        if (d.orderingKey() != null && !lanes.turn(d.subscriptionId(), d.orderingKey(), d.id(), body, System.currentTimeMillis())) {
            // Not its key's turn: its body is parked in the store until the lane's head finishes.
            LOG.debug("Delivery {} to {} waits for an earlier delivery of key {}", d.id(), d.subscriptionId(), d.orderingKey());
            exchange.setProperty(DeliveryPlan.STEP, DeliveryPlan.Step.DONE);
            return;
        }
        Long slotHeld = exchange.getMessage().getHeader(SLOT_HEADER, Long.class);
        Long partnerSlotHeld = exchange.getMessage().getHeader(PARTNER_SLOT_HEADER, Long.class);
        String deferredBefore = exchange.getMessage().getHeader(DEFERRED_HEADER, String.class);
        // A plain message from here on, with only what we set: no JMS or Camel header reaches the
        // partner, and the channel's copies of it stay cheap (copying a JmsMessage makes Camel
        // throw and catch an exception: JmsMessage.newInstance in Camel 4.18).
        Message m = new DefaultMessage(exchange);
        m.setBody(body);
        exchange.setIn(m);
        long now = System.currentTimeMillis();
        Subscription s = subscriptions.byId(d.subscriptionId());
        String disabled = subscriptions.disabledReason(d.subscriptionId());
        if (s == null || disabled != null) {
            noCall(exchange, d, s, now, s == null
                    ? "subscription '" + d.subscriptionId() + "' no longer exists"
                    : "subscription '" + d.subscriptionId() + "' is disabled: " + disabled);
            return;
        }
        Admission.Wait wait = admission.admit(exchange, s, now, slotHeld, partnerSlotHeld);
        if (wait != null) {
            defer(exchange, d, body, wait, deferredBefore, now);
            return;
        }
        Tracing.Attempt trace = tracing.attempt(d.trace(), d.id(), d.subscriptionId(), d.attempt());
        Channel channel = channels.get(s.channel(), s.partner() != null);
        try {
            channel.prepare(exchange, new Channel.Call(d.id(), d.event(), s.settings(), channels.payload(s.transform(), s.channel(), d.event()), now));
        } catch (Channel.PermanentFailure e) {
            noCall(exchange, d, s, now, e.getMessage());
            return;
        }
        if (channel.carriesTraceContext() && trace.context().traceparent() != null) {
            m.setHeader("traceparent", trace.context().traceparent());
            if (trace.context().tracestate() != null) m.setHeader("tracestate", trace.context().tracestate());
        }
        exchange.setProperty(ATTEMPT, new Attempt(d, s, channel, now, null, trace));
        // A kept delivery (stream) calls nothing: its record takes the payload to the store.
        exchange.setProperty(DeliveryPlan.STEP, channel.kept() ? DeliveryPlan.Step.NO_CALL
                : channel.viaHttp() ? DeliveryPlan.Step.CALL_HTTP : DeliveryPlan.Step.CALL_URI);
    }

    /** No attempt can succeed: record it as made and failed for good, with the reason. */
    private void noCall(Exchange exchange, Delivery d, Subscription s, long now, String reason) {
        exchange.setProperty(ATTEMPT, new Attempt(d, s, null, now, reason, null));
        exchange.setProperty(DeliveryPlan.STEP, DeliveryPlan.Step.NO_CALL);
    }

    /**
     * It must wait. On an open circuit or at its concurrency cap it is parked, unscheduled, on its
     * subscription's own queue until the {@link Unparker} gives it back ({@link Parking}): at the
     * probe, or as the subscription's attempts finish. At its rate limit it goes back to the broker
     * scheduled for its slot. Either way as it came (same attempt number), and the store told that it
     * is deferred and why, unless that is what it knows already.
     */
    private void defer(Exchange exchange, Delivery d, String body, Admission.Wait wait, String deferredBefore, long now)
            throws SQLException {
        List<DeliveryPlan.FollowUp> then = new ArrayList<>(2);
        boolean parked = wait.why() == Admission.Why.CIRCUIT || wait.why() == Admission.Why.CONCURRENCY;
        Map<String, Object> headers = new HashMap<>();
        headers.put(DEFERRED_HEADER, wait.why().label());
        // A rate-limited subscription's delivery keeps the slot it holds, parked at its cap or not.
        if (wait.slot() != null) headers.put(SLOT_HEADER, wait.slot());
        if (wait.partnerSlot() != null) headers.put(PARTNER_SLOT_HEADER, wait.partnerSlot());
        if (parked) {
            parking.parked(d.subscriptionId(), now);
            then.add(new DeliveryPlan.FollowUp(Parking.queue(d.subscriptionId()), body, headers));
        } else {
            headers.put("_AMQ_SCHED_DELIVERY", wait.until());
            then.add(new DeliveryPlan.FollowUp(BrokerDefaults.DELIVERIES, body, headers));
        }
        // Parked (until the probe, as the record says, or until its turn at the cap, with no time):
        // recorded once, not again when it is looked at again.
        boolean atCap = wait.why() == Admission.Why.CONCURRENCY;
        if (!(parked && wait.why().label().equals(deferredBefore))) {
            then.add(new DeliveryPlan.FollowUp(BrokerDefaults.LOG, Json.string(new LogRecord.Deferred(d.id(), d.eventId(),
                    d.subscriptionId(), d.attempt(), now, wait.why().label(), atCap ? null : wait.until()))));
        }
        exchange.setProperty(DeliveryPlan.THEN, then);
        exchange.setProperty(DeliveryPlan.STEP, DeliveryPlan.Step.DONE);
        metrics.deferred(exchange, d.subscriptionId(), wait.why().label());
        if (parked) LOG.debug("Delivery {} to {} parked: {}", d.id(), d.subscriptionId(), wait.reason());
        else LOG.debug("Delivery {} to {} waits {} ms: {}", d.id(), d.subscriptionId(), wait.until() - now, wait.reason());
    }

    /** After the call: the attempt record as the body (for herald.log), and what follows in {@link DeliveryPlan#THEN}. */
    public void outcome(Exchange exchange) throws Exception {
        Attempt a = exchange.getProperty(ATTEMPT, Attempt.class);
        Delivery d = a.delivery();
        long now = System.currentTimeMillis();
        int latency = (int) (now - a.started());
        Channel.Answer answer = a.channel() == null ? null
                : a.channel().answer(exchange, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class), now);
        AttemptOutcome result = answer == null ? null : answer.outcome();
        Verdict verdict = judge(a, result, now);
        String kept = null;
        if (a.channel() != null && a.channel().kept() && verdict.status() == DeliveryStatus.SUCCEEDED) {
            kept = exchange.getMessage().getBody(String.class);
            verdict = new Verdict(DeliveryStatus.STREAMED, null, null);
        }
        if (a.trace() != null) a.trace().end(verdict.status().value(), answer == null ? null : answer.status(), verdict.reason());
        Admission.Verdict health = result == null || result.kind() == AttemptOutcome.Kind.PERMANENT || result.kind() == AttemptOutcome.Kind.GONE
                ? Admission.Verdict.NONE : admission.attempted(d.subscriptionId(), result.kind() == AttemptOutcome.Kind.SUCCESS, now);
        // Told once: by the attempt that disabled it, not by every one failing beside it.
        boolean disabledNow = health.disable() && subscriptions.disabledReason(d.subscriptionId()) == null;
        if (disabledNow) subscriptions.disable(d.subscriptionId(), health.reason());
        metrics.attempt(exchange, verdict.status().value(), a.channel() == null ? "none" : a.subscription().channel(),
                d.subscriptionId(), latency);

        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setBody(Json.string(new LogRecord.Attempt(UUID.randomUUID().toString(), d.id(), d.eventId(), d.subscriptionId(),
                d.attempt(), a.started(), latency, answer == null ? null : answer.status(), answer == null ? null : answer.excerpt(),
                verdict.reason(), verdict.status().value(), verdict.nextAt(), instanceId)));
        // A partner's subscription: its operational events are for that partner (and the platform's).
        String partner = a.subscription() == null ? null : a.subscription().partner();
        List<DeliveryPlan.FollowUp> then = followUps(d, partner, result, verdict, disabledNow ? health.reason() : null, now);
        if (kept != null) {
            then.add(new DeliveryPlan.FollowUp(BrokerDefaults.LOG, Json.string(new LogRecord.Streamed(d.id(), d.eventId(),
                    d.subscriptionId(), now, kept))));
        }
        exchange.setProperty(DeliveryPlan.THEN, then);
        log(d, verdict, latency, now);
    }

    /** What the answer means for this delivery. */
    private Verdict judge(Attempt a, AttemptOutcome result, long now) throws Exception {
        Delivery d = a.delivery();
        Subscription s = a.subscription();
        if (result == null) return new Verdict(DeliveryStatus.DEAD, a.noCallReason(), null);
        return switch (result.kind()) {
            case SUCCESS -> new Verdict(DeliveryStatus.SUCCEEDED, null, null);
            case PERMANENT -> new Verdict(DeliveryStatus.DEAD, result.reason(), null);
            case GONE -> {
                subscriptions.disable(d.subscriptionId(), result.reason() + " (" + s.url() + ")");
                yield new Verdict(DeliveryStatus.DEAD, result.reason(), null);
            }
            case RETRY -> {
                if (s.retry().exhaustedAfter(d.scheduled())) {
                    yield new Verdict(DeliveryStatus.DEAD, "gave up after " + d.scheduled() + " attempt(s) (the schedule is "
                            + s.retry() + "); last: " + result.reason(), null);
                }
                Duration delay = result.retryAfter() != null
                        ? (result.retryAfter().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : result.retryAfter())
                        : s.retry().delayBefore(d.scheduled() + 1);
                yield new Verdict(DeliveryStatus.RETRYING, result.reason(), now + delay.toMillis());
            }
        };
    }

    /**
     * What is sent after the attempt record, in the same transaction: the next attempt
     * (scheduled by the broker), or the dead letter; the next delivery of its ordering lane, parked
     * until this one finished; and Herald's own events about it.
     */
    private List<DeliveryPlan.FollowUp> followUps(Delivery d, String partner, AttemptOutcome result, Verdict verdict, String disabledReason,
                                                  long now)
            throws Exception {
        List<DeliveryPlan.FollowUp> then = new ArrayList<>(2);
        if (verdict.status() == DeliveryStatus.RETRYING) {
            then.add(new DeliveryPlan.FollowUp(BrokerDefaults.DELIVERIES, Json.string(d.nextAttempt()),
                    Map.of("_AMQ_SCHED_DELIVERY", verdict.nextAt())));
        } else if (verdict.status() == DeliveryStatus.DEAD) {
            String dead = deadRecord(d, verdict.reason(), now);
            // Named by the delivery, so a replay can take this copy off herald.dead.
            then.add(new DeliveryPlan.FollowUp(BrokerDefaults.DEAD, dead, Map.of(BrokerDefaults.DEAD_DELIVERY_ID, d.id())));
            then.add(new DeliveryPlan.FollowUp(BrokerDefaults.LOG, dead));
        }
        if (d.orderingKey() != null && verdict.nextAt() == null) {
            lanes.leave(d.subscriptionId(), d.orderingKey(), d.id(), now)
                    .ifPresent(next -> then.add(new DeliveryPlan.FollowUp(BrokerDefaults.DELIVERIES, next)));
        }
        if (result != null && result.kind() == AttemptOutcome.Kind.GONE) {
            then.add(new DeliveryPlan.FollowUp(BrokerDefaults.EVENTS, OperationalEvents.subscriptionDisabled(d, partner, verdict.reason())));
        }
        if (disabledReason != null) {
            then.add(new DeliveryPlan.FollowUp(BrokerDefaults.EVENTS, OperationalEvents.subscriptionDisabled(d, partner, disabledReason)));
        }
        if (verdict.status() == DeliveryStatus.DEAD && !OperationalEvents.isOperational(d.event().path("type").asText())) {
            then.add(new DeliveryPlan.FollowUp(BrokerDefaults.EVENTS, OperationalEvents.deliveryDead(d, partner, verdict.reason())));
        }
        return then;
    }

    /** The dead letter of a delivery, as herald.dead and the store's log take it: the delivery itself, to replay. */
    public static String deadRecord(Delivery d, String reason, long now) {
        return Json.string(new LogRecord.Dead(d.id(), d.eventId(), d.subscriptionId(), reason, now, Json.MAPPER.valueToTree(d)));
    }

    private static void log(Delivery d, Verdict verdict, int latency, long now) {
        switch (verdict.status()) {
            case DEAD -> LOG.warn("Delivery {} of event {} to {} is dead: {}", d.id(), d.eventId(), d.subscriptionId(), verdict.reason());
            case RETRYING -> LOG.info("Delivery {} to {} attempt {} failed ({}); next attempt in {} ms", d.id(), d.subscriptionId(),
                    d.attempt(), verdict.reason(), verdict.nextAt() - now);
            default -> LOG.debug("Delivery {} to {} succeeded on attempt {} in {} ms", d.id(), d.subscriptionId(), d.attempt(), latency);
        }
    }
}
