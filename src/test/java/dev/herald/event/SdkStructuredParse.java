package dev.herald.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;

/**
 * The CloudEvents Java SDK's JSON format doing accept's structured-mode parse and the serialise
 * after it, as Herald would have to use it: on Herald's mapper (nesting depth 64, no trailing
 * tokens, short error quotes) and followed by the checks Herald makes that the SDK does not
 * (specversion 1.0 only, the type's form, a printable id, extension attributes as strings). Test
 * scope only, for {@link CodecComparison} and {@link CloudEventsSdkTest} (docs/architecture.md,
 * "Libraries tried").
 */
final class SdkStructuredParse {

    static final ObjectMapper MAPPER = Json.MAPPER.copy().registerModule(JsonFormat.getCloudEventJacksonModule());

    private SdkStructuredParse() {}

    static CloudEvent parse(byte[] json) {
        CloudEvent e;
        try {
            e = MAPPER.readValue(json, CloudEvent.class);
        } catch (JsonProcessingException x) {
            // The SDK's own words: "Missing mandatory type attribute", "Wrong type NUMBER for attribute id, expecting STRING".
            throw new RejectedEventException(x.getOriginalMessage(), x);
        } catch (IOException x) {
            throw new RejectedEventException(x.getMessage(), x);
        }
        if (e.getSpecVersion() != SpecVersion.V1) {
            throw new RejectedEventException("specversion is '" + e.getSpecVersion() + "'; Herald accepts CloudEvents 1.0");
        }
        if (e.getId().isBlank() || e.getId().length() > 256 || e.getId().chars().anyMatch(Character::isISOControl)) {
            throw new RejectedEventException("event id must be 1-256 printable characters");
        }
        if (e.getType().length() > 128 || !EventFactory.TYPE.matcher(e.getType()).matches() || e.getType().contains("*")) {
            throw new RejectedEventException("event type '" + e.getType() + "' is not valid");
        }
        if (e.getDataContentType() != null && !e.getDataContentType().contains("json")) {
            throw new RejectedEventException("datacontenttype '" + e.getDataContentType() + "' is not supported");
        }
        for (String name : new String[] {"orderingkey", "traceparent", "tracestate"}) {
            Object v = e.getExtension(name);
            if (v != null && !(v instanceof String)) throw new RejectedEventException("attribute \"" + name + "\" must be a JSON string");
        }
        return e;
    }

    static byte[] serialize(CloudEvent e) {
        try {
            return MAPPER.writeValueAsBytes(e);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException("cannot serialise the event", x);
        }
    }
}
