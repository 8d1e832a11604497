package dev.herald.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Herald's canonical event: CloudEvents 1.0 in structured JSON mode. {@code orderingkey} is a
 * CloudEvents extension attribute (the Kafka record key, or a declared field); {@code partnerid},
 * another, names the one partner an event is for (only that partner's subscriptions, and the
 * platform's, may receive it); {@code traceparent} and {@code tracestate} are the
 * distributed-tracing extension's (W3C trace context).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "orderingkey", "partnerid",
        "traceparent", "tracestate", "data"})
public record CloudEvent(
        String specversion,
        String id,
        String source,
        String type,
        String subject,
        String time,
        String datacontenttype,
        String orderingkey,
        String partnerid,
        String traceparent,
        String tracestate,
        JsonNode data) {

    public static final String SPEC_VERSION = "1.0";

    /** What a partner's id looks like, here and in the partner API: short, lower-case, safe in a URL path. */
    public static final java.util.regex.Pattern PARTNER_ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    public CloudEvent(String specversion, String id, String source, String type, String subject, String time, String datacontenttype,
                      String orderingkey, JsonNode data) {
        this(specversion, id, source, type, subject, time, datacontenttype, orderingkey, null, null, null, data);
    }

    /** The same event in another trace context. */
    public CloudEvent withTrace(String parent, String state) {
        return new CloudEvent(specversion, id, source, type, subject, time, datacontenttype, orderingkey, partnerid, parent, state, data);
    }
}
