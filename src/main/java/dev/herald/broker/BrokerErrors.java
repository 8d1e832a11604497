package dev.herald.broker;

import jakarta.jms.JMSException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;

/** What a broker's answer means, where Herald acts on the difference. */
public final class BrokerErrors {

    private BrokerErrors() {}

    /**
     * True when a commit failed because a message it sent carried an {@code _AMQ_DUPL_ID} the
     * address had seen: Artemis marks such a transaction rollback-only and refuses its commit.
     */
    public static boolean isDuplicate(JMSException e) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof ActiveMQException a && a.getType() == ActiveMQExceptionType.DUPLICATE_ID_REJECTED) return true;
        }
        return false;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof JMSException j && j.getLinkedException() != null && j.getLinkedException() != t) return j.getLinkedException();
        return t.getCause() == t ? null : t.getCause();
    }
}
