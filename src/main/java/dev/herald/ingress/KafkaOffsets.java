package dev.herald.ingress;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * Commits a Kafka record's offset once its event is on herald.events: the Kafka ingress route calls
 * this as its last step, so a crash before it re-reads the record (and the derived event id makes
 * the re-read the same event).
 */
public final class KafkaOffsets {

    public void commit(Exchange exchange) {
        KafkaManualCommit manual = exchange.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (manual == null) {
            throw new IllegalStateException("the Kafka consumer must run with allowManualCommit=true and autoCommitEnable=false");
        }
        manual.commit();
    }
}
