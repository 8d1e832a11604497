package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When an ingress thread lets go of the event ids it holds past its route's end. */
class HeldIdsTest {

    private final HeldIds held = new HeldIds();
    private final List<String> released = new ArrayList<>();

    @Test
    void aThreadKeepsWhatItHoldsForOneSourceMessageUntilItWorksOnAnother() {
        held.working("msg-1");
        held.hold(() -> released.add("a"));
        // A split: a second event from the same source message.
        held.working("msg-1");
        held.hold(() -> released.add("b"));
        assertThat(released).isEmpty();
        assertThat(held.held()).isEqualTo(2);

        held.working("msg-2");
        assertThat(released).containsExactly("a", "b");
        assertThat(held.held()).isZero();
    }

    @Test
    void aSweepLetsGoOfWhatAnIdleThreadHeldTooLongAndEachHoldIsLetGoOnce() throws Exception {
        held.working("msg-1");
        held.hold(() -> released.add("a"));
        held.sweep(60_000);
        assertThat(released).as("held for less than the sweep's age").isEmpty();

        Thread.sleep(20);
        held.sweep(10);
        assertThat(released).containsExactly("a");
        held.working("msg-2");
        held.sweep(0);
        assertThat(released).as("not let go a second time").containsExactly("a");
    }
}
