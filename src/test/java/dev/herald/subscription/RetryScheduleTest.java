package dev.herald.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    @Test
    void theDefaultIsSvixsScheduleOfEightAttempts() {
        RetrySchedule s = RetrySchedule.parse(RetrySchedule.DEFAULT, 0);
        assertThat(s.attempts()).isEqualTo(8);
        assertThat(s.delayBefore(1)).isZero();
        assertThat(s.delayBefore(2)).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.delayBefore(3)).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.delayBefore(8)).isEqualTo(Duration.ofHours(10));
        assertThat(s.exhaustedAfter(7)).isFalse();
        assertThat(s.exhaustedAfter(8)).isTrue();
    }

    @Test
    void jitterStaysWithinItsBoundsAndActuallyVaries() {
        RetrySchedule s = RetrySchedule.parse("0s,10s", 0.2);
        long min = Long.MAX_VALUE, max = 0;
        for (int i = 0; i < 2000; i++) {
            long ms = s.delayBefore(2).toMillis();
            min = Math.min(min, ms);
            max = Math.max(max, ms);
        }
        assertThat(min).isGreaterThanOrEqualTo(8000);
        assertThat(max).isLessThanOrEqualTo(12000);
        assertThat(max - min).isGreaterThan(2000);
        assertThat(s.delayBefore(1)).isZero();
    }

    @Test
    void badSchedulesSayWhatToWrite() {
        assertThatThrownBy(() -> RetrySchedule.parse("0s,5 minutes", 0)).hasMessageContaining("250ms, 5s, 30m, 2h or 1d");
        assertThat(RetrySchedule.parse("0s, 250ms ,2h", 0).toString()).isEqualTo("0s,250ms,2h");
    }
}
