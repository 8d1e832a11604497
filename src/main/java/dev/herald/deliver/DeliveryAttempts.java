package dev.herald.deliver;

import dev.herald.event.Json;
import dev.herald.store.LogRecord;
import dev.herald.subscription.Subscription;
import dev.herald.subscription.SubscriptionRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import com.schibsted.spt.data.jslt.Expression;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two steps around the channel call in the deliver route: {@link #prepare} builds the request
 * for the subscription's channel (a signed webhook, or a Kafka record), {@link #outcome} turns the
 * answer (or the error) into the attempt record and the next step: done, retry at a time, or dead.
 */
public final class DeliveryAttempts {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryAttempts.class);

    /** Exchange properties the deliver route reads. */
    public static final String SKIP = "heraldSkip";
    /** The channel to call: webhook, kafka, or none (skipped). */
    public static final String CHANNEL = "heraldChannel";
    public static final String KAFKA_TOPIC = "heraldKafkaTopic";
    public static final String KAFKA_BROKERS = "heraldKafkaBrokers";
    public static final String ENDPOINT_URI = "heraldEndpointUri";
    public static final String MAIL_URI = "heraldMailUri";
    /** Herald's own events to publish with this attempt's outcome (a List of CloudEvent JSON). */
    public static final String OPERATIONAL_EVENTS = "heraldOperationalEvents";
    public static final String OUTCOME = "heraldOutcome";
    public static final String NEXT = "heraldNext";
    public static final String NEXT_AT = "heraldNextAt";
    public static final String DEAD = "heraldDead";
    private static final String DELIVERY = "heraldDelivery";
    private static final String SUBSCRIPTION = "heraldSubscription";
    /** A receiver's Retry-After is honoured up to this long; beyond it, Herald asks again after a day. */
    static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);
    private static final String STARTED = "heraldStarted";
    private static final String REASON = "heraldReason";

    private final SubscriptionRegistry subscriptions;
    private final int excerptBytes;
    private final String userAgent;
    private final Duration timeout;
    private final String instanceId;

    public DeliveryAttempts(SubscriptionRegistry subscriptions, int excerptBytes, String userAgent, Duration timeout,
                            String instanceId) {
        this.instanceId = instanceId;
        this.subscriptions = subscriptions;
        this.excerptBytes = excerptBytes;
        this.userAgent = userAgent;
        this.timeout = timeout;
    }

    public void prepare(Exchange exchange) {
        Delivery d = Json.read(exchange.getMessage().getBody(String.class), Delivery.class);
        exchange.setProperty(DELIVERY, d);
        Message m = exchange.getMessage();
        // Only what we set here reaches the partner: no JMS or Camel header leaks through.
        m.getHeaders().clear();
        Subscription s = subscriptions.byId(d.subscriptionId());
        String disabled = subscriptions.disabledReason(d.subscriptionId());
        if (s == null || disabled != null) {
            skip(exchange, s == null
                    ? "subscription '" + d.subscriptionId() + "' no longer exists"
                    : "subscription '" + d.subscriptionId() + "' is disabled: " + disabled);
            return;
        }
        exchange.setProperty(SUBSCRIPTION, s);
        byte[] body;
        try {
            Expression shape = s.transform() != null ? s.transform() : s.channel().equals("slack") ? SlackMessages.DEFAULT : null;
            body = shape == null ? Json.bytes(d.event()) : Json.bytes(shape.apply(d.event()));
        } catch (RuntimeException e) {
            // A transform that fails on this event fails the same way on every retry: permanent.
            skip(exchange, "the subscription's transform failed on this event: " + e.getMessage());
            return;
        }
        exchange.setProperty(SKIP, false);
        exchange.setProperty(CHANNEL, s.channel());
        long now = System.currentTimeMillis();
        m.setBody(body);
        if (s.channel().equals("endpoint")) {
            m.setBody(new String(body, StandardCharsets.UTF_8));
            m.setHeader("webhook-id", d.id());
            m.setHeader(Exchange.FILE_NAME, d.id() + ".json"); // a re-made attempt rewrites the same file
            m.setHeader(Exchange.CONTENT_TYPE, "application/json");
            exchange.setProperty(ENDPOINT_URI, s.parameters().get("uri"));
        } else if (s.channel().equals("kafka")) {
            // The event as the record's value, keyed for partition order: the ordering key, else the event id.
            m.setHeader("kafka.KEY", d.event().hasNonNull("orderingkey") ? d.event().get("orderingkey").asText() : d.eventId());
            m.setHeader("webhook-id", d.id());
            exchange.setProperty(KAFKA_TOPIC, s.parameters().get("topic"));
            exchange.setProperty(KAFKA_BROKERS, s.parameters().get("brokers"));
        } else if (s.channel().equals("email")) {
            Map<String, String> mail;
            try {
                mail = s.email().render(d.event());
            } catch (RuntimeException e) {
                skip(exchange, "the subscription's email templates failed on this event: " + e.getMessage());
                return;
            }
            m.setHeader("From", s.parameters().get("from"));
            m.setHeader("To", mail.get("to"));
            if (mail.get("cc") != null && !mail.get("cc").isBlank()) m.setHeader("Cc", mail.get("cc"));
            m.setHeader("Subject", mail.get("subject"));
            m.setHeader("X-Herald-Delivery-Id", d.id());
            boolean html = mail.containsKey("html");
            m.setBody(html ? mail.get("html") : mail.get("text"));
            if (html) m.setHeader("CamelMailAlternativeBody", mail.get("text"));
            exchange.setProperty(MAIL_URI, MailUris.of(s.parameters(), html, timeout));
        } else if (s.channel().equals("slack")) {
            m.setHeader(Exchange.CONTENT_TYPE, "application/json");
            m.setHeader("User-Agent", userAgent);
            m.setHeader(Exchange.HTTP_METHOD, "POST");
            m.setHeader(Exchange.HTTP_URI, s.url().toString());
        } else {
            long ts = now / 1000;
            m.setHeader("webhook-id", d.id());
            m.setHeader("webhook-timestamp", Long.toString(ts));
            m.setHeader("webhook-signature", WebhookSigner.sign(d.id(), ts, body, s.signingKeys()));
            m.setHeader(Exchange.CONTENT_TYPE, "application/json");
            m.setHeader("User-Agent", userAgent);
            m.setHeader(Exchange.HTTP_METHOD, "POST");
            m.setHeader(Exchange.HTTP_URI, s.url().toString());
        }
        exchange.setProperty(STARTED, now);
    }

    /** No attempt can succeed: record it as made and failed for good, with the reason. */
    private static void skip(Exchange exchange, String reason) {
        exchange.setProperty(SKIP, true);
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
        AttemptOutcome result;
        if (Boolean.TRUE.equals(exchange.getProperty(SKIP, Boolean.class))) {
            result = null;
        } else {
            Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            if (error != null && s.channel().equals("email")) {
                result = AttemptOutcome.ofMailError(error, timeout);
            } else if (error != null) {
                result = AttemptOutcome.ofError(error, timeout);
            } else if (s.channel().equals("slack")) {
                status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
                excerpt = excerpt(m);
                result = AttemptOutcome.ofSlack(status, excerpt, m.getHeader("Retry-After", String.class), now);
            } else if (!s.channel().equals("webhook")) {
                result = AttemptOutcome.ofResponse(200, null, null, now); // the endpoint took it without error
            } else {
                status = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
                excerpt = excerpt(m);
                result = AttemptOutcome.ofResponse(status, m.getHeader("Retry-After", String.class),
                        m.getHeader("Location", String.class), now);
            }
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
        } else if (s.retry().exhaustedAfter(d.attempt())) {
            outcome = "dead";
            reason = "gave up after " + d.attempt() + " attempt(s) (the schedule is " + s.retry() + "); last: " + result.reason();
        } else {
            outcome = "retrying";
            reason = result.reason();
            Duration delay = result.retryAfter() != null
                    ? (result.retryAfter().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : result.retryAfter())
                    : s.retry().delayBefore(d.attempt() + 1);
            nextAt = now + delay.toMillis();
        }
        m.getHeaders().clear();
        exchange.setProperty(OUTCOME, outcome);
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
        if ("dead".equals(outcome) && !OperationalEvents.isOperational(d.event().path("type").asText())) {
            operational.add(OperationalEvents.deliveryDead(d, reason));
        }
        exchange.setProperty(OPERATIONAL_EVENTS, operational.isEmpty() ? null : operational);
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

    private String excerpt(Message m) {
        try (InputStream in = m.getBody(InputStream.class)) {
            if (in == null) return null;
            byte[] buf = in.readNBytes(excerptBytes);
            return buf.length == 0 ? null : new String(buf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
