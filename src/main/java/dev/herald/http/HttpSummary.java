package dev.herald.http;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up list of HTTP endpoints, at the address the servers really listen on. Camel Main's own
 * summary writes every endpoint as {@code http://0.0.0.0:PORT/...} whatever the host (its logger is
 * quiet in log4j2.xml); an operator copying one of those would call an address Herald may not serve.
 */
public final class HttpSummary implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(HttpSummary.class);

    private final String api;
    private final String management;

    /** @param api base URL of the API server, null if it is off; likewise the management server */
    public HttpSummary(String api, String management) {
        this.api = api;
        this.management = management;
    }

    /** {@code http://host:port}, with an IPv6 address in brackets. */
    public static String base(String host, int port) {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        PlatformHttpComponent http = context.hasComponent("platform-http") instanceof PlatformHttpComponent c ? c : null;
        if (http == null) return;
        if (api != null) log("HTTP API and console", api, http.getHttpEndpoints());
        if (management != null) log("Health and metrics", management, http.getHttpManagementEndpoints());
    }

    private static void log(String what, String base, Set<HttpEndpointModel> endpoints) {
        if (endpoints.isEmpty()) return;
        List<HttpEndpointModel> sorted = endpoints.stream().sorted(Comparator.comparing(HttpEndpointModel::getUri)).toList();
        int width = sorted.stream().mapToInt(e -> e.getUri().length()).max().orElse(0) + base.length();
        StringBuilder text = new StringBuilder(what).append(" on ").append(base).append(':');
        for (HttpEndpointModel e : sorted) {
            text.append(String.format("%n    %-" + width + "s  %s", base + e.getUri(), e.getVerbs() == null ? "" : "(" + e.getVerbs() + ")"));
        }
        LOG.info("{}", text);
    }
}
