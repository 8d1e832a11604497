package dev.herald.config;

import dev.herald.http.ApiKeys;
import dev.herald.http.Auth;
import dev.herald.http.HttpSummary;
import dev.herald.http.RequestGuard;
import io.vertx.ext.web.Router;
import java.net.InetAddress;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Herald's HTTP server: who may call it (API keys), what every request passes, and what it says at start. */
final class HttpSetup {

    private static final Logger LOG = LoggerFactory.getLogger(HttpSetup.class);

    private HttpSetup() {}

    /** The API keys; without ingest or admin keys, only a server on loopback may start. */
    static Auth auth(Settings cfg, Auth.PartnerKeys partners) throws Exception {
        Auth auth = new Auth(ApiKeys.parse(cfg.optional("herald.http.ingest-keys").orElse(null), "herald.http.ingest-keys"),
                ApiKeys.parse(cfg.optional("herald.http.admin-keys").orElse(null), "herald.http.admin-keys"), partners);
        String host = cfg.string("herald.http.host");
        if (auth.open() && !InetAddress.getByName(host).isLoopbackAddress()) {
            throw new IllegalArgumentException("the HTTP API would listen on " + host + " without API keys; set"
                    + " herald.http.admin-keys (and herald.http.ingest-keys) with `bin/herald apikey NAME`, or keep herald.http.host=127.0.0.1");
        }
        if (auth.open()) {
            LOG.warn("No API keys are set (herald.http.ingest-keys, herald.http.admin-keys): the HTTP API on {} serves anyone"
                    + " on this machine. Set keys before exposing it.", host);
        }
        return auth;
    }

    /** The request guard in front of every route, and Herald's own endpoint summary (Camel's says 0.0.0.0 whatever the host). */
    /** @param routes Herald's own Vert.x routes (the streams), put on the server once it runs */
    static void server(Settings cfg, CamelContext context, String machineName, Consumer<Router> routes) throws Exception {
        boolean api = cfg.bool("camel.server.enabled");
        boolean management = cfg.bool("camel.management.enabled");
        context.addStartupListener(new HttpSummary(
                api ? HttpSummary.base(cfg.string("camel.server.host"), cfg.integer("camel.server.port")) : null,
                management ? HttpSummary.base(cfg.string("camel.management.host"), cfg.integer("camel.management.port")) : null));
        if (!api) return;
        RequestGuard guard = new RequestGuard(RequestGuard.hosts(cfg.optional("herald.http.allowed-hosts").orElse(null),
                cfg.string("herald.http.host"), machineName), cfg.longValue("camel.server.max-body-size"));
        int port = cfg.integer("herald.http.port");
        // A service, so it runs after the HTTP server has started and before any route takes a request.
        context.addService(new ServiceSupport() {
            @Override
            protected void doStart() {
                routes.accept(guard.install(context, port));
            }
        }, false, true);
    }
}
