package dev.herald.channel;

import jakarta.mail.MessagingException;
import java.net.ConnectException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * What one webhook attempt's result means, as DESIGN §3 and Standard Webhooks say: 2xx success;
 * 410 disables the subscription; 429/503 retry no earlier than Retry-After; everything else
 * (3xx included: redirects are not followed) is a retryable failure.
 */
public record AttemptOutcome(Kind kind, String reason, Duration retryAfter) {

    public enum Kind { SUCCESS, RETRY, GONE, PERMANENT }

    /** Slack's answers that no retry can fix (api.slack.com/messaging/webhooks#handling_errors). */
    private static final java.util.Set<String> SLACK_PERMANENT = java.util.Set.of("invalid_payload", "no_text",
            "invalid_blocks", "invalid_blocks_format", "too_many_attachments", "user_not_found", "channel_not_found",
            "channel_is_archived", "action_prohibited", "posting_to_general_channel_denied", "no_service",
            "no_service_id", "no_team", "team_disabled", "invalid_token");

    /** Slack incoming webhooks answer 200 "ok", or an error code in the body. */
    public static AttemptOutcome ofSlack(int status, String body, String retryAfterHeader, long nowMillis) {
        String code = body == null ? "" : body.trim();
        if (status == 200) return new AttemptOutcome(Kind.SUCCESS, null, null);
        if (SLACK_PERMANENT.contains(code)) {
            return new AttemptOutcome(Kind.PERMANENT, "Slack answered HTTP " + status + " " + code + ": no retry can fix this", null);
        }
        if (status == 429) return new AttemptOutcome(Kind.RETRY, "Slack answered HTTP 429 (rate limited)", retryAfter(retryAfterHeader, nowMillis));
        return new AttemptOutcome(Kind.RETRY, "Slack answered HTTP " + status + (code.isEmpty() ? "" : " " + code), null);
    }

    public static AttemptOutcome ofResponse(int status, String retryAfterHeader, String location, long nowMillis) {
        if (status >= 200 && status < 300) return new AttemptOutcome(Kind.SUCCESS, null, null);
        if (status == 410) return new AttemptOutcome(Kind.GONE, "HTTP 410 Gone: the receiver asked to stop sending", null);
        if (status >= 300 && status < 400) {
            return new AttemptOutcome(Kind.RETRY, "HTTP " + status + " redirect" + (location == null ? "" : " to " + location)
                    + " not followed; update the subscription's URL", null);
        }
        Duration after = null;
        if (status == 429 || status == 503) after = retryAfter(retryAfterHeader, nowMillis);
        return new AttemptOutcome(Kind.RETRY, "HTTP " + status, after);
    }

    public static AttemptOutcome ofError(Throwable error, Duration timeout) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String reason;
        if (root instanceof SocketTimeoutException || root.getClass().getSimpleName().contains("Timeout")) {
            reason = "no response within " + timeout.toSeconds() + " s (timed out)";
        } else if (root instanceof ConnectException) {
            reason = "connection refused or unreachable: " + root.getMessage();
        } else if (root instanceof UnknownHostException) {
            reason = "unknown host " + root.getMessage();
        } else {
            reason = root.getClass().getSimpleName() + ": " + root.getMessage();
        }
        return new AttemptOutcome(Kind.RETRY, reason, null);
    }

    /**
     * An SMTP failure: a 5xx answer (unknown mailbox, message refused) is permanent; 4xx answers
     * and connection trouble are worth retrying.
     */
    public static AttemptOutcome ofMailError(Throwable error, Duration timeout) {
        for (Throwable t = error; t != null; t = next(t)) {
            int code = t instanceof SMTPSendFailedException s ? s.getReturnCode()
                    : t instanceof SMTPAddressFailedException a ? a.getReturnCode() : -1;
            if (code >= 500) {
                return new AttemptOutcome(Kind.PERMANENT, "the SMTP server refused it for good: " + message(t), null);
            }
            if (code >= 400) return new AttemptOutcome(Kind.RETRY, "the SMTP server answered " + message(t), null);
        }
        return ofError(error, timeout);
    }

    private static Throwable next(Throwable t) {
        if (t instanceof MessagingException m && m.getNextException() != null && m.getNextException() != t) return m.getNextException();
        return t.getCause() == t ? null : t.getCause();
    }

    private static String message(Throwable t) {
        return String.valueOf(t.getMessage()).trim();
    }

    /** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String header, long nowMillis) {
        if (header == null || header.isBlank()) return null;
        String v = header.trim();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Duration.ofMillis(Math.max(0, at - nowMillis));
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }
}
