package dev.herald.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.broker.BrokerDefaults;
import dev.herald.broker.Publisher;
import dev.herald.event.CloudEvent;
import dev.herald.event.EventFactory;
import dev.herald.event.Json;
import dev.herald.event.RejectedEventException;
import dev.herald.ingress.HandOff;
import dev.herald.ingress.RejectedInput;
import dev.herald.metrics.HeraldMetrics;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /events}: one CloudEvent (structured {@code application/cloudevents+json}, or
 * {@code application/json} — structured, or binary mode with {@code ce-*} headers) or a batch
 * ({@code application/cloudevents-batch+json}). Answers 202 only once the events are handed on
 * ({@link HandOff}: dispatched, or for {@code herald.events}) and committed (by the
 * {@link GroupCommit}, with the other requests being served at the same time); input that cannot become an event is answered 400 with the reason and kept
 * on {@code herald.rejected}, like every other ingress.
 */
public final class IngestApi {

    private static final Logger LOG = LoggerFactory.getLogger(IngestApi.class);
    static final String STRUCTURED = "application/cloudevents+json";
    static final String BATCH = "application/cloudevents-batch+json";
    static final String JSON = "application/json";

    private final Auth auth;
    private final EventFactory events;
    private final Publisher publisher;
    private final GroupCommit commits;
    private final HandOff handOff;
    private final IdempotencyKeys idempotency;
    private final HeraldMetrics metrics;
    private final int maxEventBytes;
    private final int maxBatchBytes;
    private final int maxBatchEvents;
    private final long idempotencyWindowMillis;

    /**
     * @param publisher for rejected input (kept on herald.rejected, best effort)
     * @param commits   for what a request is answered 202 for: its events (with a batch's rejected items), group-committed
     * @param handOff   what its events become in that transaction (dispatched at once, or for herald.events)
     */
    public IngestApi(Auth auth, EventFactory events, Publisher publisher, GroupCommit commits, HandOff handOff, IdempotencyKeys idempotency,
                     HeraldMetrics metrics, int maxEventBytes, int maxBatchBytes, int maxBatchEvents, long idempotencyWindowMillis) {
        this.auth = auth;
        this.events = events;
        this.publisher = publisher;
        this.commits = commits;
        this.handOff = handOff;
        this.idempotency = idempotency;
        this.metrics = metrics;
        this.maxEventBytes = maxEventBytes;
        this.maxBatchBytes = maxBatchBytes;
        this.maxBatchEvents = maxBatchEvents;
        this.idempotencyWindowMillis = idempotencyWindowMillis;
    }

    /** The result of a request: status and JSON body (kept as is for an idempotent replay). */
    record Answer(int status, String body) {}

    public void post(Exchange exchange) {
        HttpResponses.serve(exchange, ex -> {
            String caller = auth.ingest(ex);
            Message in = ex.getMessage();
            String mediaType = mediaType(in.getHeader(Exchange.CONTENT_TYPE, String.class));
            boolean batch = BATCH.equals(mediaType);
            if (!batch && !STRUCTURED.equals(mediaType) && !JSON.equals(mediaType)) {
                throw new HttpProblem(415, "Content-Type " + (mediaType == null ? "is missing" : "'" + mediaType + "' is not accepted")
                        + "; send " + STRUCTURED + " (one event), " + JSON + " (one event, or its data with ce-* headers)"
                        + " or " + BATCH + " (a JSON array of events)");
            }
            byte[] raw = in.getBody(byte[].class);
            byte[] body = raw == null ? new byte[0] : raw;
            int limit = batch ? maxBatchBytes : maxEventBytes;
            if (body.length > limit) {
                throw new HttpProblem(413, "the body is " + body.length + " bytes; the limit is " + limit + (batch
                        ? " for a batch (herald.http.max-batch-bytes): send several smaller batches"
                        : " for one event (herald.accept.max-event-bytes)"));
            }
            String key = in.getHeader("Idempotency-Key", String.class);
            Answer answer;
            if (key == null) {
                answer = batch ? batch(ex.getContext(), body, caller) : single(in, body, caller);
            } else {
                answer = idempotent(caller, key, mediaType, body, () -> batch ? batch(ex.getContext(), body, caller) : single(in, body, caller), ex);
                if (answer == null) return;
            }
            HttpResponses.answer(ex, answer.status(), answer.body());
        });
    }

    private interface Work {
        Answer run() throws Exception;
    }

    private Answer idempotent(String caller, String key, String mediaType, byte[] body, Work work, Exchange ex) throws Exception {
        if (key.isBlank() || key.length() > 255) {
            throw new HttpProblem(400, "Idempotency-Key must be 1-255 characters, such as a UUID the client makes per logical request");
        }
        String scope = caller + ":" + key;
        IdempotencyKeys.Begin begin = idempotency.begin(scope, hash(mediaType, body), System.currentTimeMillis(), idempotencyWindowMillis);
        if (begin instanceof IdempotencyKeys.Begin.Replay r) {
            HttpResponses.answer(ex, r.status(), r.body());
            ex.getMessage().setHeader("Idempotent-Replayed", "true");
            return null;
        }
        if (begin instanceof IdempotencyKeys.Begin.InProgress) {
            throw new HttpProblem(409, "a request with this Idempotency-Key is still being served; retry in a moment");
        }
        if (begin instanceof IdempotencyKeys.Begin.Mismatch) {
            throw new HttpProblem(422, "this Idempotency-Key was used for a different request body; use a new key for a new request");
        }
        Answer a;
        try {
            a = work.run();
        } catch (Exception e) {
            idempotency.abandon(scope);
            throw e;
        }
        if (a.status() >= 400) {
            // Nothing was accepted: the key stays free for the corrected request.
            idempotency.abandon(scope);
        } else {
            idempotency.complete(scope, a.status(), a.body());
        }
        return a;
    }

    private Answer single(Message in, byte[] body, String caller) throws Exception {
        Message copy = binaryModeMessage(in, body, caller);
        CloudEvent event;
        try {
            event = events.traced(events.toEvent(copy));
        } catch (RejectedEventException e) {
            reject(body, e.getMessage(), ceAttributes(copy));
            throw new HttpProblem(400, e.getMessage());
        }
        // On the broker's disk before the 202: committed with whatever other requests are being served now.
        HandOff.send(handOff, List.of(event), List.of(), commits::send);
        metrics.accepted(event.source(), event.type());
        LOG.debug("Accepted event {} ({}) over HTTP from {}", event.id(), event.type(), caller);
        return new Answer(202, Json.string(Map.of("id", event.id(), "status", "accepted")));
    }

    private Answer batch(CamelContext context, byte[] body, String caller) throws Exception {
        JsonNode array;
        try {
            array = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            reject(body, "the batch is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), Map.of());
            throw new HttpProblem(400, "the batch is not valid JSON; send a JSON array of CloudEvents");
        }
        if (array == null || !array.isArray()) {
            throw new HttpProblem(400, "a batch is a JSON array of CloudEvents, such as [{\"specversion\": \"1.0\", ...}]");
        }
        if (array.size() > maxBatchEvents) {
            throw new HttpProblem(413, "the batch has " + array.size() + " events; the limit is " + maxBatchEvents
                    + " (herald.http.max-batch-events): send several smaller batches");
        }
        List<Publisher.Outgoing> rejects = new ArrayList<>();
        List<Map<String, Object>> results = new ArrayList<>();
        List<CloudEvent> accepted = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode item = array.get(i);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("index", i);
            byte[] itemBytes = Json.bytes(item);
            try {
                if (!item.isObject() || !item.has("specversion")) {
                    throw new RejectedEventException("each batch item must be a structured CloudEvent (an object with \"specversion\": \"1.0\")");
                }
                if (itemBytes.length > maxEventBytes) {
                    throw new RejectedEventException("the event is " + itemBytes.length + " bytes; the limit is " + maxEventBytes
                            + " (herald.accept.max-event-bytes)");
                }
                Message m = new DefaultMessage(context);
                m.setBody(itemBytes);
                CloudEvent event = events.traced(events.toEvent(m));
                accepted.add(event);
                r.put("id", event.id());
                r.put("status", 202);
            } catch (RejectedEventException e) {
                rejects.add(rejected(itemBytes, "batch item " + i + ": " + e.getMessage(), Map.of()));
                r.put("status", 400);
                r.put("detail", e.getMessage());
            }
            results.add(r);
        }
        // Accepted events and kept rejects in one transaction: all on the broker, or none.
        HandOff.send(handOff, accepted, rejects, commits::send);
        for (CloudEvent e : accepted) metrics.accepted(e.source(), e.type());
        for (int i = 0; i < results.size() - accepted.size(); i++) metrics.rejected("http");
        int status = accepted.size() == results.size() ? 202 : accepted.isEmpty() ? 400 : 207;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("accepted", accepted.size());
        answer.put("rejected", results.size() - accepted.size());
        answer.put("results", results);
        LOG.debug("Batch over HTTP from {}: {} accepted, {} rejected", caller, accepted.size(), results.size() - accepted.size());
        return new Answer(status, Json.string(answer));
    }

    /** The request as EventFactory reads it: body and ce-* headers; a default source naming the caller. */
    private static Message binaryModeMessage(Message in, byte[] body, String caller) {
        Message m = new DefaultMessage(in.getExchange().getContext());
        for (var e : in.getHeaders().entrySet()) {
            String k = e.getKey().toLowerCase(Locale.ROOT);
            if (k.startsWith("ce-") || k.startsWith("ce_") || k.equals("traceparent") || k.equals("tracestate")) m.setHeader(k, e.getValue());
        }
        if (m.getHeader("ce-source") == null && m.getHeader("ce_source") == null) m.setHeader("ce-source", "herald:http:" + caller);
        m.setBody(body);
        return m;
    }

    private static Publisher.Outgoing rejected(byte[] body, String reason, Map<String, String> ceAttributes) {
        return new Publisher.Outgoing(BrokerDefaults.REJECTED, new String(body, StandardCharsets.UTF_8),
                RejectedInput.ofHttp(reason, ceAttributes));
    }

    /** The binary-mode attributes as JMS property names ({@code ce_type}): kept with a rejected body, so a re-drive reads them again. */
    private static Map<String, String> ceAttributes(Message m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : m.getHeaders().entrySet()) {
            if (e.getValue() != null) out.put("ce_" + e.getKey().substring(3), e.getValue().toString());
        }
        return out;
    }

    /** Keeps a rejected request body where it can be inspected and re-driven, like every ingress does. */
    private void reject(byte[] body, String reason, Map<String, String> ceAttributes) {
        try {
            publisher.send(List.of(rejected(body, reason, ceAttributes)));
            metrics.rejected("http");
            LOG.warn("Rejected a request to POST /events (kept on herald.rejected): {}", reason);
        } catch (Exception e) {
            LOG.warn("Rejected a request to POST /events ({}), and could not keep it on herald.rejected: {}", reason, e.getMessage());
        }
    }

    static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) return null;
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static String hash(String mediaType, byte[] body) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(mediaType.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        d.update(body);
        return HexFormat.of().formatHex(d.digest());
    }
}
