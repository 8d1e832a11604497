package dev.herald.ingress;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.Exchange;
import dev.herald.event.RejectedEventException;

/** Turns the exception that rejected an input into one line a person can act on. */
public final class RejectReason {

    public String describe(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (e == null) e = exchange.getException();
        if (e == null) return "rejected";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RejectedEventException) return t.getMessage();
            if (t instanceof JsonProcessingException j) {
                Object parser = j.getProcessor();
                String kind = parser != null && parser.getClass().getName().contains(".dataformat.xml.") ? "XML" : "JSON";
                var loc = j.getLocation();
                String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
                return "the body is not valid " + kind + where + ": " + j.getOriginalMessage();
            }
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
