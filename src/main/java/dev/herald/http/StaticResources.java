package dev.herald.http;

import java.io.IOException;
import java.io.InputStream;
import org.apache.camel.Exchange;

/** The OpenAPI document and the delivery console, served from the classpath (no separate web server). */
public final class StaticResources {

    private final byte[] openapi;
    private final byte[] console;

    public StaticResources() throws IOException {
        openapi = read("/herald/openapi.yaml");
        console = read("/herald/console/index.html");
    }

    public void openapi(Exchange exchange) {
        serve(exchange, openapi, "application/yaml");
    }

    public void console(Exchange exchange) {
        serve(exchange, console, "text/html; charset=utf-8");
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
