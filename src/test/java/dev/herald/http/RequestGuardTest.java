package dev.herald.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.support.LogCapture;
import dev.herald.support.RawHttp;
import dev.herald.support.RawHttp.Answer;
import dev.herald.support.TestHerald;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A web page in the operator's browser is the attacker: it can make the browser send requests to
 * Herald on loopback, from another origin or through a DNS name it rebinds to 127.0.0.1. Each is
 * refused, with and without API keys, before any route sees it; Herald's own console still works.
 */
class RequestGuardTest {

    static final String ADMIN_KEY = ApiKeys.newKey();
    static TestHerald open;
    static TestHerald keyed;

    @BeforeAll
    static void start() throws Exception {
        String subs = """
                subscriptions:
                  - id: demo-signups
                    types: ["user.*"]
                    channel: endpoint
                    parameters: {uri: "jms:queue:partner.signups"}
                """;
        open = TestHerald.start(subs, Map.of());
        keyed = TestHerald.start(subs, Map.of("herald.http.admin-keys", "ops:" + ApiKeys.hash(ADMIN_KEY)));
    }

    @AfterAll
    static void stop() throws Exception {
        open.close();
        keyed.close();
    }

    static int port(TestHerald h) {
        return Integer.parseInt(h.http("").replaceFirst(".*:", ""));
    }

    static Answer post(TestHerald h, String path, Map<String, String> headers, String body) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(headers);
        if (h == keyed) all.put("Authorization", "Bearer " + ADMIN_KEY);
        return RawHttp.request(port(h), "POST", path, all, body);
    }

    static String state(TestHerald h) throws Exception {
        Map<String, String> auth = h == keyed ? Map.of("Authorization", "Bearer " + ADMIN_KEY) : Map.of();
        return RawHttp.request(port(h), "GET", "/api/subscriptions/demo-signups", auth, null).body();
    }

    @Test
    void aCrossSiteFormPostDisablesNothing() throws Exception {
        for (TestHerald h : new TestHerald[] {open, keyed}) {
            // The attack as seen: a page on evil.example posts text/plain (no CORS preflight needed).
            Answer a = post(h, "/api/subscriptions/demo-signups/disable",
                    Map.of("Origin", "http://evil.example", "Content-Type", "text/plain"), "{}");
            assertThat(a.status()).isEqualTo(403);
            assertThat(a.headers()).containsIgnoringCase("Content-Type: application/problem+json");
            assertThat(a.body()).contains("origin http://evil.example is refused");
            // Even with JSON, and when only Sec-Fetch-Site tells (a browser that sends no Origin).
            assertThat(post(h, "/api/subscriptions/demo-signups/disable",
                    Map.of("Origin", "http://evil.example", "Content-Type", "application/json"), "{}").status()).isEqualTo(403);
            assertThat(post(h, "/api/subscriptions/demo-signups/disable",
                    Map.of("Sec-Fetch-Site", "cross-site", "Content-Type", "application/json"), "{}").status()).isEqualTo(403);
            assertThat(post(h, "/api/subscriptions/demo-signups/disable",
                    Map.of("Origin", "null", "Content-Type", "application/json"), "{}").status()).as("a sandboxed page").isEqualTo(403);
            assertThat(state(h)).contains("\"state\":\"enabled\"");
        }
    }

    @Test
    void aChangeMustBeSentAsJson() throws Exception {
        for (TestHerald h : new TestHerald[] {open, keyed}) {
            Answer noType = post(h, "/api/subscriptions/demo-signups/disable", Map.of(), "");
            assertThat(noType.status()).isEqualTo(415);
            assertThat(noType.body()).contains("Content-Type: application/json is missing");
            assertThat(post(h, "/api/subscriptions/demo-signups/disable", Map.of("Content-Type", "application/x-www-form-urlencoded"),
                    "reason=x").status()).isEqualTo(415);
            assertThat(post(h, "/events", Map.of("Content-Type", "text/plain"), "{}").status()).isEqualTo(415);
            assertThat(state(h)).contains("\"state\":\"enabled\"");
        }
    }

    @Test
    void aDeleteNeedsNoBodyTypeButMustNotComeFromAnotherSite() throws Exception {
        for (TestHerald h : new TestHerald[] {open, keyed}) {
            Map<String, String> auth = h == keyed ? Map.of("Authorization", "Bearer " + ADMIN_KEY) : Map.of();
            assertThat(post(h, "/api/partners", Map.of("Content-Type", "application/json"), "{\"id\": \"kept\", \"name\": \"Kept\"}")
                    .status()).isEqualTo(201);
            Map<String, String> crossSite = new LinkedHashMap<>(auth);
            crossSite.put("Sec-Fetch-Site", "cross-site");
            assertThat(RawHttp.request(port(h), "DELETE", "/api/partners/kept", crossSite, null).status()).isEqualTo(403);
            Map<String, String> foreign = new LinkedHashMap<>(auth);
            foreign.put("Origin", "http://evil.example");
            assertThat(RawHttp.request(port(h), "DELETE", "/api/partners/kept", foreign, null).status()).isEqualTo(403);
            assertThat(RawHttp.request(port(h), "GET", "/api/partners/kept", auth, null).status()).as("still there").isEqualTo(200);
            // curl -X DELETE, no Content-Type: reaches the API.
            assertThat(RawHttp.request(port(h), "DELETE", "/api/partners/kept", auth, null).status()).isEqualTo(204);
        }
    }

    @Test
    void aSameOriginJsonRequestAsTheConsoleSendsItWorks() throws Exception {
        for (TestHerald h : new TestHerald[] {open, keyed}) {
            String self = "http://127.0.0.1:" + port(h);
            Answer off = post(h, "/api/subscriptions/demo-signups/disable",
                    Map.of("Origin", self, "Sec-Fetch-Site", "same-origin", "Content-Type", "application/json"), "{}");
            assertThat(off.status()).as(off.body()).isEqualTo(200);
            assertThat(state(h)).contains("\"state\":\"disabled\"");
            assertThat(post(h, "/api/subscriptions/demo-signups/enable", Map.of("Content-Type", "application/json"), "").status())
                    .as("curl, no Origin").isEqualTo(200);
            assertThat(state(h)).contains("\"state\":\"enabled\"");
        }
    }

    @Test
    void aHostHeraldDoesNotServeIsRefusedDnsRebinding() throws Exception {
        for (TestHerald h : new TestHerald[] {open, keyed}) {
            Map<String, String> auth = h == keyed ? Map.of("Authorization", "Bearer " + ADMIN_KEY) : Map.of();
            Map<String, String> rebound = new LinkedHashMap<>(auth);
            rebound.put("Host", "attacker.example:" + port(h));
            Answer a = RawHttp.request(port(h), "GET", "/api/subscriptions", rebound, null);
            assertThat(a.status()).isEqualTo(421);
            assertThat(a.body()).contains("Host 'attacker.example:" + port(h) + "' is not a name Herald serves")
                    .contains("herald.http.allowed-hosts").doesNotContain("demo-signups");
            assertThat(RawHttp.request(port(h), "GET", "/console", Map.of("Host", "attacker.example"), null).status()).isEqualTo(421);
            for (String host : new String[] {"127.0.0.1:" + port(h), "localhost:" + port(h), "[::1]:" + port(h)}) {
                Map<String, String> fine = new LinkedHashMap<>(auth);
                fine.put("Host", host);
                assertThat(RawHttp.request(port(h), "GET", "/api/subscriptions", fine, null).status()).as(host).isEqualTo(200);
            }
        }
    }

    /** Above camel.server.max-body-size: 413 as problem+json, declared or streamed, and no ERROR in the log. */
    @Test
    void anOversizeBodyIsA413ProblemWithoutAnErrorLog() throws Exception {
        try (LogCapture log = new LogCapture()) {
            Answer declared = post(open, "/events", Map.of("Content-Type", "application/cloudevents+json"), "x".repeat(9 * 1024 * 1024));
            assertThat(declared.status()).isEqualTo(413);
            assertThat(declared.headers()).containsIgnoringCase("Content-Type: application/problem+json");
            assertThat(declared.body()).contains("\"status\":413");

            // Chunked: no length up front, the server finds out while reading.
            try (Socket s = new Socket("127.0.0.1", port(open))) {
                OutputStream out = s.getOutputStream();
                out.write(("POST /events HTTP/1.1\r\nHost: 127.0.0.1:" + port(open) + "\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                byte[] chunk = "y".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
                try {
                    for (int i = 0; i < 10; i++) {
                        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.UTF_8));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } catch (java.io.IOException closedEarly) {
                    // The server may answer and close before the whole body is written.
                }
                Answer streamed = RawHttp.read(s.getInputStream());
                assertThat(streamed.status()).isEqualTo(413);
                assertThat(streamed.headers()).containsIgnoringCase("Content-Type: application/problem+json");
            }
            assertThat(log.text()).doesNotContain("ERROR").doesNotContain("Unhandled exception");
        }
    }
}
