package dev.herald.ingress;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.herald.broker.BrokerDefaults;
import dev.herald.broker.Publisher;
import dev.herald.event.CloudEvent;
import dev.herald.event.EventFactory;
import dev.herald.event.Json;
import dev.herald.event.RejectedEventException;
import dev.herald.metrics.HeraldMetrics;
import jakarta.jms.MessageProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.RuntimeExpressionException;
import org.apache.camel.TypeConversionException;
import org.apache.camel.component.jms.JmsBinding;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka ingress route's one step: a poll's records (camel-kafka's batching mode hands them over
 * as a list of exchanges, one per record) become events, handed on ({@link HandOff}: dispatched, or
 * for {@code herald.events}) in <em>one</em> JMS transaction, and only once that has committed are
 * the offsets committed — synchronously, for each partition the batch's last offset + 1.
 *
 * <p>Each record is what {@code direct:herald-accept} would make of it: the same {@link EventFactory}
 * (ids from {@code ce_id} or from topic/partition/offset, the record key as ordering key, the
 * producer's {@code traceparent}), the same hand-off. A record that cannot become an
 * event — larger than {@code herald.accept.max-event-bytes}, or refused by accept — goes to
 * {@code herald.rejected} as it came, with what {@code direct:herald-reject} gives it (reason, route,
 * id, source), in the same transaction; the rest of the poll goes on.
 *
 * <p>Anything else failing before the broker commit (the broker refusing, say) fails the whole
 * batch: no offset is committed, and the route's consumer ({@code breakOnFirstError}) reads the
 * records again from the committed offsets. An offset commit that fails after the broker commit
 * (a rebalance under way) does not fail the batch — that would only hand its events off twice — and
 * leaves the committed offsets behind: the records may be read again, with the same ids, and
 * dispatch drops the copies.
 */
public final class KafkaIngress {

    /** The reject route's logger: one WARN line per rejected input, whichever ingress refused it. */
    private static final Logger REJECTED = LoggerFactory.getLogger("dev.herald.rejected");
    private static final Logger LOG = LoggerFactory.getLogger(KafkaIngress.class);
    private static final String REJECTED_URI = "jms:queue:" + BrokerDefaults.REJECTED;

    private final EventFactory events;
    private final IngressLimit limit;
    private final RejectReason reasons;
    private final RejectedInput rejectedInput;
    private final Publisher publisher;
    private final HandOff handOff;
    private final HeraldMetrics metrics;
    private volatile JmsBinding rejectedBinding;

    public KafkaIngress(EventFactory events, IngressLimit limit, RejectReason reasons, RejectedInput rejectedInput, Publisher publisher,
                        HandOff handOff, HeraldMetrics metrics) {
        this.events = events;
        this.limit = limit;
        this.reasons = reasons;
        this.rejectedInput = rejectedInput;
        this.publisher = publisher;
        this.handOff = handOff;
        this.metrics = metrics;
    }

    /** Camel entry point: the body is the batch, a list of one exchange per record. */
    public void handOff(Exchange batch) {
        List<Exchange> records = records(batch);
        if (records.isEmpty()) return;
        String route = batch.getFromRouteId();
        List<CloudEvent> accepted = new ArrayList<>(records.size());
        List<Exchange> rejected = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> next = new LinkedHashMap<>();
        Consumer<?, ?> consumer = null;
        long commitTimeoutMs = 0;
        for (Exchange record : records) {
            DefaultKafkaManualCommit position = record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, DefaultKafkaManualCommit.class);
            if (position == null) {
                throw new IllegalStateException("the Kafka consumer must run with batching=true, allowManualCommit=true,"
                        + " autoCommitEnable=false and the default (synchronous) kafkaManualCommitFactory");
            }
            // Records of a partition come in offset order: the last one's position wins.
            next.put(position.getPartition(), new OffsetAndMetadata(position.getRecordOffset() + 1));
            consumer = position.getConsumer();
            commitTimeoutMs = position.getCommitTimeout();
            try {
                limit.check(record);
                CloudEvent event = events.traced(events.toEvent(record.getMessage()));
                accepted.add(event);
            } catch (RuntimeException e) {
                if (!isBadInput(e)) throw e;
                rejected.add(rejected(record, route, e));
            }
        }
        try {
            handOff(batch, accepted, rejected);
        } catch (Exception e) {
            LOG.warn("Could not hand {} Kafka records off to the broker ({}); their offsets stay uncommitted and they will be read again",
                    records.size(), e.getMessage());
            throw new IllegalStateException("the hand-off of a Kafka batch to the broker failed", e);
        }
        metrics.ingestCommit("kafka");
        // Only now, with every event (and every rejected record) on the broker's disk.
        try {
            consumer.commitSync(next, Duration.ofMillis(commitTimeoutMs));
        } catch (KafkaException e) {
            // The hand-off is done: failing the batch now would only hand its events on a second
            // time. The committed offsets stay where they were; the next batch's commit covers
            // these records, or - if the group moved the partitions meanwhile, the usual reason - their
            // new reader reads them again, and dispatch drops the copies (same ids).
            LOG.warn("Handed off {} Kafka records but could not commit their offsets {} ({}); they may be read again",
                    records.size(), next, e.toString());
        }
        for (CloudEvent a : accepted) metrics.accepted(a.source(), a.type());
        for (Exchange r : rejected) {
            metrics.rejected(route);
            REJECTED.warn("Rejected a message from route {} (kept on herald.rejected): {}", route,
                    r.getMessage().getHeader(RejectedInput.REASON));
        }
        LOG.debug("Handed off {} Kafka records ({} rejected), committed {}", records.size(), rejected.size(), next);
    }

    /** Every event (dispatched at once, or for herald.events) and every rejected record of the batch in one JMS transaction. */
    private void handOff(Exchange batch, List<CloudEvent> accepted, List<Exchange> rejected) throws Exception {
        JmsBinding binding = rejected.isEmpty() ? null : rejectedBinding(batch);
        HandOff.send(handOff, accepted, List.of(), out -> publisher.send(out, rejected.isEmpty() ? null : session -> {
            try (MessageProducer p = session.createProducer(session.createQueue(BrokerDefaults.REJECTED))) {
                // The same JMS message the reject route's `to: jms:queue:herald.rejected` makes of the record.
                for (Exchange r : rejected) p.send(binding.makeJmsMessage(r, session));
            }
        }));
    }

    /**
     * The record as {@code direct:herald-reject} leaves it: as it came (body and headers, the Kafka
     * headers as text), with the reason, the route, an id and its source.
     */
    private Exchange rejected(Exchange record, String route, RuntimeException e) {
        record.setProperty(Exchange.EXCEPTION_CAUGHT, e);
        Message m = record.getMessage();
        m.setHeader(RejectedInput.REASON, reasons.describe(record));
        m.setHeader(RejectedInput.ROUTE, route);
        rejectedInput.mark(record);
        return record;
    }

    /** What the herald-ingress route configuration treats as bad input (kept on herald.rejected) rather than a failure (retried). */
    static boolean isBadInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RejectedEventException || t instanceof JsonProcessingException || t instanceof TypeConversionException
                    || t instanceof RuntimeExpressionException || t instanceof org.apache.camel.InvalidPayloadException) {
                return true;
            }
        }
        return false;
    }

    private JmsBinding rejectedBinding(Exchange batch) {
        JmsBinding b = rejectedBinding;
        if (b == null) {
            b = batch.getContext().getEndpoint(REJECTED_URI, JmsEndpoint.class).getBinding();
            rejectedBinding = b;
        }
        return b;
    }

    private static List<Exchange> records(Exchange batch) {
        Object body = batch.getMessage().getBody();
        if (!(body instanceof List<?> list)) {
            throw new IllegalStateException("kafkaIngress.handOff takes a batch (the kafka consumer with batching=true), not "
                    + (body == null ? "an empty body" : body.getClass().getName()));
        }
        List<Exchange> records = new ArrayList<>(list.size());
        for (Object o : list) records.add((Exchange) o);
        return records;
    }
}
