package dev.herald.deliver;

import dev.herald.subscription.Subscription;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a delivery may be attempted now, or must wait: the subscription's circuit is open, it is
 * at its concurrency cap, or its rate limit gives it a later slot. A delivery that must wait goes
 * back to the broker without an attempt — parked on its subscription's own queue (circuit, cap) or
 * scheduled for its slot (rate) — so waiting neither counts against its retry schedule nor holds a
 * thread or a place in the shared queue another partner could use.
 *
 * <p>Circuit state and rate slots live in the store, shared by every instance; this class caches
 * the circuit state (refreshed every few seconds, and on every change made here), so a healthy
 * subscription costs no store round trip. The concurrency cap is per instance.
 */
public final class Admission {

    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    /** Why a delivery waits. */
    public enum Why {
        CIRCUIT, CONCURRENCY, RATE;

        /** As the metric's label and the admin API's {@code deferredReason} say it. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Wait until {@code until} ({@code slot}: the rate-limit slot reserved for it on its subscription,
     * {@code partnerSlot} on its partner's shared rate), or go now (null).
     */
    public record Wait(long until, Why why, String reason, Long slot, Long partnerSlot) {
        Wait(long until, Why why, String reason, Long slot) {
            this(until, why, reason, slot, null);
        }
    }

    /** The row of subscription_rate a partner's shared rate is kept in (no subscription id has a ':'). */
    public static String partnerRateKey(String partnerId) {
        return "partner:" + partnerId;
    }

    /** What {@link #attempted} concluded: the subscription has failed for longer than the disable window. */
    public record Verdict(boolean disable, String reason) {
        static final Verdict NONE = new Verdict(false, null);
    }

    private final SubscriptionHealth health;
    private final int threshold;
    private final long probeMillis;
    private final long disableAfterMillis;
    private final int defaultMaxInFlight;
    private final Map<String, SubscriptionHealth.State> circuits = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    /** Per subscription: its cap as last admitted here, and the attempts finished since the unparker last asked. */
    private final Map<String, Integer> caps = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> finished = new ConcurrentHashMap<>();

    /**
     * @param threshold          consecutive failed attempts that open a subscription's circuit
     * @param probeMillis        how long an open circuit waits between probes
     * @param disableAfterMillis continuous failure after which the subscription is disabled
     * @param defaultMaxInFlight the cap for subscriptions that set no {@code maxInFlight} (0: none), so
     *                           that one slow partner cannot take every delivery thread
     */
    public Admission(SubscriptionHealth health, int threshold, long probeMillis, long disableAfterMillis, int defaultMaxInFlight) {
        this.health = health;
        this.threshold = threshold;
        this.probeMillis = probeMillis;
        this.disableAfterMillis = disableAfterMillis;
        this.defaultMaxInFlight = defaultMaxInFlight;
    }

    /** Re-reads the circuits from the store (other instances open and close them too). */
    public void refresh() {
        try {
            Map<String, SubscriptionHealth.State> now = health.all();
            circuits.keySet().retainAll(now.keySet());
            circuits.putAll(now);
        } catch (SQLException e) {
            LOG.warn("Could not read the circuits from the store (keeping the last known): {}", e.getMessage());
        }
    }

    /** Every subscription's circuit as the store has it now (all instances'), for operators; closed ones with no failure are absent. */
    public Map<String, SubscriptionHealth.State> circuitsNow() throws SQLException {
        return health.all();
    }

    /** A subscription's circuit as this instance knows it (null: closed, no failures). */
    SubscriptionHealth.State circuit(String subscriptionId) {
        return circuits.get(subscriptionId);
    }

    /**
     * Until when the subscription's circuit is open, as this instance knows it, while no probe is due
     * yet; null otherwise (closed, or a probe is due: the deliver stage makes it).
     */
    public Long openUntil(String subscriptionId, long now) {
        SubscriptionHealth.State circuit = circuits.get(subscriptionId);
        return circuit != null && circuit.open() && now < circuit.openUntil() ? circuit.openUntil() : null;
    }

    public int openCircuits() {
        return (int) circuits.values().stream().filter(SubscriptionHealth.State::open).count();
    }

    /**
     * Null: attempt it now. {@code slotHeld}: the rate-limit slot this delivery was deferred to
     * earlier (it does not reserve another).
     */
    public Wait admit(Exchange exchange, Subscription s, long now, Long slotHeld, Long partnerSlotHeld) throws SQLException {
        SubscriptionHealth.State circuit = circuits.get(s.id());
        if (circuit != null && circuit.open()) {
            if (now < circuit.openUntil()) {
                return new Wait(circuit.openUntil() + jitter(), Why.CIRCUIT, "the circuit is open after " + circuit.failures() + " failed attempts", null);
            }
            long next = now + probeMillis;
            if (!health.claimProbe(s.id(), circuit.openUntil(), next)) {
                return new Wait(next + jitter(), Why.CIRCUIT, "the circuit is open; another delivery is the probe", null);
            }
            circuits.put(s.id(), circuit.probeAt(next));
            LOG.info("Subscription {}: circuit open, probing with this delivery", s.id());
        }
        Subscription.Limits limits = s.limits();
        int cap = limits.maxInFlight() > 0 ? limits.maxInFlight() : defaultMaxInFlight;
        if (cap > 0) {
            caps.put(s.id(), cap);
            AtomicInteger n = inFlight.computeIfAbsent(s.id(), k -> new AtomicInteger());
            if (n.incrementAndGet() > cap) {
                n.decrementAndGet();
                // Its deliveries are slow (or many): it waits parked, fed back as fast as its attempts finish.
                return new Wait(now, Why.CONCURRENCY, "at its cap of " + cap + " deliveries at once", slotHeld, partnerSlotHeld);
            }
            AtomicLong done = finished.computeIfAbsent(s.id(), k -> new AtomicLong());
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange ended) {
                    n.decrementAndGet();
                    done.incrementAndGet();
                }
            });
        }
        List<SubscriptionHealth.Rate> rates = new ArrayList<>(2);
        if (limits.intervalMillis() > 0) {
            rates.add(new SubscriptionHealth.Rate(s.id(), limits.intervalMillis(), spacing(limits.intervalMillis()), slotHeld));
        }
        boolean shared = limits.partnerIntervalMillis() > 0 && s.partner() != null;
        if (shared) {
            // A turn on the partner's shared rate too, reserved like the subscription's: a partner with
            // many subscriptions gets its quota in all, not in each.
            rates.add(new SubscriptionHealth.Rate(partnerRateKey(s.partner()), limits.partnerIntervalMillis(),
                    spacing(limits.partnerIntervalMillis()), partnerSlotHeld));
        }
        if (rates.isEmpty()) return null;
        List<SubscriptionHealth.RateTurn> turns = health.rateTurns(now, rates);
        SubscriptionHealth.RateTurn turn = limits.intervalMillis() > 0 ? turns.get(0) : null;
        SubscriptionHealth.RateTurn partnerTurn = shared ? turns.get(turns.size() - 1) : null;
        long at = Math.max(turn == null ? now : turn.at(), partnerTurn == null ? now : partnerTurn.at());
        if (at <= now) return null;
        String reason = turn != null && turn.at() == at ? "rate limit " + limits.rateText()
                : "partner " + s.partner() + "'s rate quota, shared by its subscriptions";
        return new Wait(at, Why.RATE, reason, turn == null ? null : turn.slot(), partnerTurn == null ? null : partnerTurn.slot());
    }

    /**
     * Sends are spaced a twentieth wider than the rate: what arrives at the receiver stays within the
     * limit in every one-second window although a send can leave some milliseconds after its turn
     * (thread scheduling, GC); the partner gets 95 % of its rate at most, never more.
     */
    private static long spacing(long intervalMillis) {
        return intervalMillis + Math.max(1, intervalMillis / 20);
    }

    /** After an attempt: a success closes the circuit; a failure counts, may open it, and may disable the subscription. */
    public Verdict attempted(String subscriptionId, boolean success, long now) throws SQLException {
        SubscriptionHealth.State known = circuits.get(subscriptionId);
        if (success) {
            if (known != null) {
                health.succeeded(subscriptionId);
                circuits.remove(subscriptionId);
                if (known.open()) LOG.info("Subscription {}: the probe succeeded, circuit closed", subscriptionId);
            }
            return Verdict.NONE;
        }
        SubscriptionHealth.State after = health.failed(subscriptionId, now, threshold, probeMillis);
        circuits.put(subscriptionId, after);
        if (after.open() && (known == null || !known.open())) {
            LOG.warn("Subscription {}: {} attempts in a row failed; circuit open, probing every {} ms", subscriptionId,
                    after.failures(), probeMillis);
        }
        if (after.open() && now - after.failingSince() >= disableAfterMillis) {
            return new Verdict(true, "every attempt failed for " + java.time.Duration.ofMillis(now - after.failingSince()).toSeconds()
                    + " s (since " + java.time.Instant.ofEpochMilli(after.failingSince()) + "); disabled after "
                    + java.time.Duration.ofMillis(disableAfterMillis).toSeconds() + " s of continuous failure");
        }
        return Verdict.NONE;
    }

    /**
     * How many of a subscription's parked deliveries to give back now, its circuit being closed: what
     * it finished since the last call, and half as many again (at least its cap). So a partner at its
     * cap is fed about as fast as it takes deliveries (one given back that finds it at its cap again
     * is parked again: the extra half is what that can cost), and one that recovers gets half as many
     * again each time, until the unparker's own limits. A subscription never admitted here (gone, or
     * parked by another instance) gets all.
     */
    public int feed(String subscriptionId) {
        Integer cap = caps.get(subscriptionId);
        if (cap == null) return Integer.MAX_VALUE;
        AtomicLong done = finished.get(subscriptionId);
        long n = done == null ? 0 : done.getAndSet(0);
        return (int) Math.min(Integer.MAX_VALUE, n + Math.max(cap, n / 2));
    }

    /** Re-enabled by an operator: the run of failures is forgotten. */
    public void reset(String subscriptionId) throws SQLException {
        health.succeeded(subscriptionId);
        circuits.remove(subscriptionId);
    }

    /** Spreads the deliveries that waited on one circuit over a moment, instead of one burst. */
    private static long jitter() {
        return ThreadLocalRandom.current().nextLong(0, 500);
    }
}
