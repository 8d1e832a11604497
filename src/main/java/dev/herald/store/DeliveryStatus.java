package dev.herald.store;

import java.util.Locale;

/** A delivery's status in the store ({@code deliveries.status}) and in the admin API. */
public enum DeliveryStatus {
    /** Dispatched, no attempt recorded yet. */
    PENDING,
    SUCCEEDED,
    /** Failed; the next attempt is scheduled on the broker. */
    RETRYING,
    /** Put back unattempted, waiting on its subscription's circuit, rate limit or in-flight cap. */
    DEFERRED,
    /** Kept in its stream subscription's stream: handed to consumers, waiting for an acknowledgement. */
    STREAMED,
    DEAD;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
