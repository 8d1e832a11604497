package dev.herald.http;

import java.io.IOException;
import java.io.InputStream;
import org.apache.camel.Exchange;

/** The OpenAPI document, the delivery console and the partner portal, served from the classpath (no separate web server). */
public final class StaticResources {

    private final byte[] openapi;
    private final byte[] console;
    private final byte[] portal;
    private final byte[] charts;
    private final byte[] style;

    public StaticResources() throws IOException {
        openapi = read("/herald/openapi.yaml");
        console = read("/herald/console/index.html");
        portal = read("/herald/portal/index.html");
        charts = read("/herald/ui/charts.js");
        style = read("/herald/ui/herald.css");
    }

    public void openapi(Exchange exchange) {
        serve(exchange, openapi, "application/yaml");
    }

    public void console(Exchange exchange) {
        serve(exchange, console, "text/html; charset=utf-8");
    }

    /** The charts the console and the portal draw (one script, so both draw alike). */
    public void charts(Exchange exchange) {
        serve(exchange, charts, "text/javascript; charset=utf-8");
    }

    /** The style the console and the portal share. */
    public void style(Exchange exchange) {
        serve(exchange, style, "text/css; charset=utf-8");
    }

    public void portal(Exchange exchange) {
        serve(exchange, portal, "text/html; charset=utf-8");
        // The page holds a partner's token: no other site may frame it, and it sends no Referer.
        exchange.getMessage().setHeader("X-Frame-Options", "DENY");
        exchange.getMessage().setHeader("Referrer-Policy", "no-referrer");
    }

    private static void serve(Exchange exchange, byte[] body, String type) {
        var m = exchange.getMessage();
        m.getHeaders().clear();
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, type);
        m.setHeader("Cache-Control", "no-cache");
        m.setBody(body);
    }

    private static byte[] read(String resource) throws IOException {
        try (InputStream in = StaticResources.class.getResourceAsStream(resource)) {
            if (in == null) throw new IOException("missing resource " + resource);
            return in.readAllBytes();
        }
    }
}
