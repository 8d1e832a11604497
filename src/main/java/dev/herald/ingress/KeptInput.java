package dev.herald.ingress;

import java.util.HashMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;

/**
 * What an ingress route received, kept as it came for the reject path, while the route works on a
 * plain copy. It replaces Camel's {@code useOriginalMessage}, which copies every incoming message
 * up front — and copying the consumed JMS message makes Camel 4.18 throw and catch an exception
 * each time (JmsMessage.newInstance, via getJMSRedelivered): together about a third of the
 * ingress threads' CPU. The copy made here is of the body reference and the headers map.
 */
public final class KeptInput {

    /** The exchange property the input is kept in. */
    public static final String PROPERTY = "heraldInput";

    /** The route's first step: keep the input, and go on with a plain message of the same body and headers. */
    public void keep(Exchange exchange) {
        Message in = exchange.getIn();
        DefaultMessage kept = new DefaultMessage(exchange);
        kept.setBody(in.getBody());
        kept.setHeaders(new HashMap<>(in.getHeaders()));
        exchange.setProperty(PROPERTY, kept);
        DefaultMessage work = new DefaultMessage(exchange);
        work.setBody(kept.getBody());
        work.setHeaders(new HashMap<>(kept.getHeaders()));
        exchange.setIn(work);
    }

    /** The reject path's first step: the input as it came (refused before it was kept: it is still the message). */
    public void restore(Exchange exchange) {
        Message kept = exchange.getProperty(PROPERTY, Message.class);
        if (kept != null) exchange.setIn(kept);
    }
}
