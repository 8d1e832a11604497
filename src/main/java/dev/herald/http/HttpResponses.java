package dev.herald.http;

import dev.herald.event.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON answers and RFC 9457 problem details, set on the exchange for the platform-http consumer. */
public final class HttpResponses {

    private static final Logger LOG = LoggerFactory.getLogger(HttpResponses.class);

    private HttpResponses() {}

    public interface Handler {
        void handle(Exchange exchange) throws Exception;
    }

    /** An operation that answers JSON: its body (null: an empty one). */
    public interface Call {
        Object run(Exchange exchange) throws Exception;
    }

    /** Runs {@code check} (who may call; it throws the 401 or 403), then the call, and answers its body as JSON with this status. */
    public static void serve(Exchange exchange, Handler check, int status, Call call) {
        serve(exchange, ex -> {
            check.handle(ex);
            Object body = call.run(ex);
            json(ex, status, body == null ? "" : body);
        });
    }

    /** Runs a handler; an {@link HttpProblem} becomes its status, anything else a logged 500. */
    public static void serve(Exchange exchange, Handler handler) {
        try {
            handler.handle(exchange);
        } catch (HttpProblem p) {
            problem(exchange, p.status(), p.getMessage());
        } catch (Exception e) {
            String ref = Long.toHexString(System.nanoTime());
            LOG.error("HTTP {} {} failed (reference {})", exchange.getMessage().getHeader(Exchange.HTTP_METHOD),
                    exchange.getMessage().getHeader(Exchange.HTTP_PATH), ref, e);
            problem(exchange, 503, "Herald could not complete the request (reference " + ref
                    + " in its log); nothing was accepted, try again");
        }
    }

    public static void json(Exchange exchange, int status, Object body) {
        Message m = exchange.getMessage();
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(body instanceof String s ? s : Json.string(body));
    }

    public static void problem(Exchange exchange, int status, String detail) {
        json(exchange, status, problemBody(status, detail));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/problem+json");
    }

    /** Sets a stored answer (an idempotent replay): problem+json when it is an error. */
    public static void answer(Exchange exchange, int status, String body) {
        json(exchange, status, body);
        if (status >= 400) exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/problem+json");
    }

    public static Map<String, Object> problemBody(int status, String detail) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", title(status));
        p.put("status", status);
        p.put("detail", detail);
        return p;
    }

    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 421 -> "Misdirected Request";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }
}
