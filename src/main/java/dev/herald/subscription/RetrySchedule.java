package dev.herald.subscription;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * When each attempt of a delivery happens, counted from the previous attempt: the default is
 * Svix's (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h), each delay with ±jitter.
 */
public record RetrySchedule(List<Duration> delays, double jitter) {

    public static final String DEFAULT = "0s,5s,5m,30m,2h,5h,10h,10h";

    public RetrySchedule {
        if (delays.isEmpty()) throw new IllegalArgumentException("a retry schedule needs at least one attempt");
        if (jitter < 0 || jitter >= 1) throw new IllegalArgumentException("jitter must be between 0 and 1");
        delays = List.copyOf(delays);
    }

    public static RetrySchedule parse(String csv, double jitter) {
        return of(List.of(csv.split("\\s*,\\s*")), jitter);
    }

    public static RetrySchedule of(List<String> delays, double jitter) {
        return new RetrySchedule(delays.stream().map(String::trim).map(Durations::parse).toList(), jitter);
    }

    /** How many attempts the schedule allows in all. */
    public int attempts() {
        return delays.size();
    }

    /** True when attempt number {@code attempt} (1-based) was the last one the schedule allows. */
    public boolean exhaustedAfter(int attempt) {
        return attempt >= delays.size();
    }

    /** The delay before attempt {@code attempt} (1-based), jittered. */
    public Duration delayBefore(int attempt) {
        Duration base = delays.get(Math.min(attempt, delays.size()) - 1);
        if (jitter == 0 || base.isZero()) return base;
        double factor = 1 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
        return Duration.ofMillis(Math.round(base.toMillis() * factor));
    }

    @Override
    public String toString() {
        return delays.stream().map(Durations::format).collect(Collectors.joining(","));
    }
}
