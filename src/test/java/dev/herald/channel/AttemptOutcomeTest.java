package dev.herald.channel;

import static dev.herald.channel.AttemptOutcome.Kind.GONE;
import static dev.herald.channel.AttemptOutcome.Kind.RETRY;
import static dev.herald.channel.AttemptOutcome.Kind.SUCCESS;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AttemptOutcomeTest {

    static final long NOW = 1_800_000_000_000L;

    @Test
    void statusCodesAreClassifiedAsStandardWebhooksSays() {
        assertThat(AttemptOutcome.ofResponse(200, null, null, NOW).kind()).isEqualTo(SUCCESS);
        assertThat(AttemptOutcome.ofResponse(204, null, null, NOW).kind()).isEqualTo(SUCCESS);
        assertThat(AttemptOutcome.ofResponse(301, null, "https://x/y", NOW)).satisfies(o -> {
            assertThat(o.kind()).isEqualTo(RETRY);
            assertThat(o.reason()).contains("not followed").contains("https://x/y");
        });
        assertThat(AttemptOutcome.ofResponse(410, null, null, NOW).kind()).isEqualTo(GONE);
        assertThat(AttemptOutcome.ofResponse(400, "5", null, NOW)).satisfies(o -> {
            assertThat(o.kind()).isEqualTo(RETRY);
            assertThat(o.retryAfter()).as("Retry-After only counts on 429 and 503").isNull();
        });
        assertThat(AttemptOutcome.ofResponse(500, null, null, NOW).kind()).isEqualTo(RETRY);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(AttemptOutcome.ofResponse(429, "120", null, NOW).retryAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(AttemptOutcome.ofResponse(503, "Fri, 15 Jan 2027 08:00:30 GMT", null,
                java.time.Instant.parse("2027-01-15T08:00:00Z").toEpochMilli()).retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(AttemptOutcome.ofResponse(503, "soon", null, NOW).retryAfter()).isNull();
    }

    @Test
    void transportErrorsAreRetryableWithAReadableReason() {
        Duration t = Duration.ofSeconds(15);
        assertThat(AttemptOutcome.ofError(new RuntimeException(new SocketTimeoutException("Read timed out")), t).reason())
                .isEqualTo("no response within 15 s (timed out)");
        assertThat(AttemptOutcome.ofError(new ConnectException("Connection refused"), t)).satisfies(o -> {
            assertThat(o.kind()).isEqualTo(RETRY);
            assertThat(o.reason()).contains("Connection refused");
        });
    }
}
