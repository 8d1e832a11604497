package dev.herald.http;

import dev.herald.event.Json;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * What every request to Herald's HTTP server passes before any route sees it, with or without API
 * keys. A browser is the attacker's way in when the API serves without keys on loopback, and a web
 * page can make it send requests:
 * <ul>
 *   <li>the {@code Host} must be one Herald serves (a DNS-rebinding page names its own host);</li>
 *   <li>a request that changes something (POST, PUT, PATCH, DELETE) must not come from another site
 *       ({@code Sec-Fetch-Site}, {@code Origin}), and a POST, PUT or PATCH must carry a JSON body
 *       type (an HTML form or a "simple" cross-origin fetch can only send text/plain, form or
 *       multipart; a DELETE is never "simple", so a page cannot send one cross-origin at all);</li>
 *   <li>a body declared larger than the server takes is answered 413 at once, as problem+json.</li>
 * </ul>
 */
public final class RequestGuard implements Handler<RoutingContext> {

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final Set<String> hosts;
    private final long maxBodyBytes;

    /**
     * @param hosts the host names and addresses Herald is reached by (lower case, IPv6 without
     *              brackets); empty: any (herald.http.allowed-hosts = *)
     */
    public RequestGuard(Set<String> hosts, long maxBodyBytes) {
        this.hosts = hosts;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * herald.http.allowed-hosts, or by default the loopback names, the configured listen address
     * (unless it is a wildcard) and this machine's name.
     */
    public static Set<String> hosts(String setting, String listenHost, String machineName) {
        Set<String> out = new TreeSet<>();
        if (setting != null && !setting.isBlank()) {
            for (String h : setting.split(",")) {
                String host = h.trim().toLowerCase(Locale.ROOT);
                if (host.equals("*")) return Set.of();
                if (!host.isEmpty()) out.add(unbracket(host));
            }
            return out;
        }
        out.addAll(List.of("localhost", "127.0.0.1", "::1"));
        String listen = unbracket(listenHost.toLowerCase(Locale.ROOT));
        if (!listen.equals("0.0.0.0") && !listen.equals("::")) out.add(listen);
        if (machineName != null) out.add(machineName.toLowerCase(Locale.ROOT));
        return out;
    }

    /** Puts the guard in front of every route of the HTTP server on {@code port}, for requests and for failures; returns its router. */
    public VertxPlatformHttpRouter install(CamelContext context, int port) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) throw new IllegalStateException("no HTTP server on port " + port + " to guard");
        router.route().order(Integer.MIN_VALUE).handler(this);
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failure);
        return router;
    }

    @Override
    public void handle(RoutingContext ctx) {
        var request = ctx.request();
        String host = request.getHeader("Host");
        if (host != null && !hosts.isEmpty() && !hosts.contains(hostName(host))) {
            // Not listing the names it does serve: a rebinding page could read them.
            refuse(ctx, 421, "Host '" + host + "' is not a name Herald serves; call it by a name in herald.http.allowed-hosts");
            return;
        }
        if (!SAFE.contains(request.method())) {
            String why = crossSite(request.getHeader("Sec-Fetch-Site"), request.getHeader("Origin"), host);
            if (why != null) {
                refuse(ctx, 403, why + "; Herald's API changes nothing for another site's page");
                return;
            }
            // A DELETE carries no body here, and no page can send one cross-origin without a CORS
            // preflight, which Herald never grants: the body type adds nothing there.
            String type = IngestApi.mediaType(request.getHeader("Content-Type"));
            boolean json = type != null && (type.equals("application/json") || type.endsWith("+json"));
            if (!json && !request.method().equals(HttpMethod.DELETE)) {
                refuse(ctx, 415, "a request that changes something must send JSON: Content-Type: application/json"
                        + (type == null ? " is missing" : " (not " + type + ")") + "; for POST /events also "
                        + IngestApi.STRUCTURED + " (one event) or " + IngestApi.BATCH + " (a JSON array of events)");
                return;
            }
        }
        String length = request.getHeader("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > maxBodyBytes) {
            tooLarge(ctx);
            return;
        }
        ctx.next();
    }

    /** For the router's failures: the body handler's 413 (a chunked body that grew past the limit) as problem+json. */
    public void failure(RoutingContext ctx) {
        if (ctx.statusCode() == 413 && !ctx.response().ended()) {
            tooLarge(ctx);
        } else {
            ctx.next();
        }
    }

    private void tooLarge(RoutingContext ctx) {
        refuse(ctx, 413, "the body is larger than Herald's HTTP server takes (" + maxBodyBytes + " bytes, camel.server.max-body-size)");
    }

    /** Why a state-changing request is another site's, or null. */
    static String crossSite(String fetchSite, String origin, String host) {
        if (fetchSite != null && !fetchSite.equalsIgnoreCase("same-origin") && !fetchSite.equalsIgnoreCase("none")) {
            return "a " + fetchSite + " request (Sec-Fetch-Site) is refused";
        }
        if (origin == null) return null; // not a browser, or a same-origin GET-style navigation
        String authority = origin.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", "");
        if (origin.equals("null") || host == null || !authority.equalsIgnoreCase(host)) {
            return "a request from the page of origin " + origin + " is refused";
        }
        return null;
    }

    /** The host part of a Host header: without the port, IPv6 without brackets, lower case. */
    static String hostName(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) return h.substring(1, Math.max(1, h.indexOf(']')));
        int colon = h.lastIndexOf(':');
        return colon >= 0 && h.indexOf(':') == colon ? h.substring(0, colon) : h;
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static void refuse(RoutingContext ctx, int status, String detail) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json")
                .end(Json.string(HttpResponses.problemBody(status, detail)));
    }
}
