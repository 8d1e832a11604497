package dev.herald.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import java.net.http.HttpResponse;

/**
 * What the tests do as the platform's admin (make a partner, issue its key) and as a partner (call
 * the partner API with its key), against one Herald.
 */
public final class PartnerClient {

    private final TestHerald herald;
    private final String adminKey;
    public final String id;
    public final String key;

    private PartnerClient(TestHerald herald, String adminKey, String id, String key) {
        this.herald = herald;
        this.adminKey = adminKey;
        this.id = id;
        this.key = key;
    }

    /** Makes the partner (with these limits, JSON; null for the defaults) and issues it a key. */
    public static PartnerClient create(TestHerald herald, String adminKey, String id, String limits) throws Exception {
        HttpResponse<String> made = Http.post(herald.http("/api/partners"), "application/json",
                "{\"id\": \"" + id + "\", \"name\": \"Partner " + id + "\"" + (limits == null ? "" : ", \"limits\": " + limits) + "}",
                admin(adminKey));
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
        HttpResponse<String> key = Http.post(herald.http("/api/partners/" + id + "/keys"), "application/json", "{\"name\": \"test\"}",
                admin(adminKey));
        assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
        return new PartnerClient(herald, adminKey, id, Json.tree(key.body()).path("key").asText());
    }

    /** A Herald for partner tests: this admin key, and partners allowed to reach this receiver only (plus {@code more}). */
    public static TestHerald herald(String adminKey, Receiver receiver, java.util.Map<String, String> more) throws Exception {
        java.util.Map<String, String> settings = new java.util.HashMap<>(more);
        settings.put("herald.http.admin-keys", "ops:" + dev.herald.http.ApiKeys.hash(adminKey));
        settings.put("herald.partners.ssrf.allow", "127.0.0.1:" + receiver.url("").replaceFirst(".*:", ""));
        return TestHerald.start("subscriptions: []\n", settings);
    }

    /** An order.created event for one partner, posted as the platform's producer would (an admin key may ingest). */
    public static void sendOrder(TestHerald herald, String adminKey, String id, String partner) throws Exception {
        HttpResponse<String> r = Http.post(herald.http("/events"), "application/cloudevents+json", "{\"specversion\": \"1.0\", \"id\": \""
                + id + "\", \"source\": \"urn:test\", \"type\": \"order.created\", \"partnerid\": \"" + partner + "\","
                + " \"data\": {\"orderId\": \"" + id + "\"}}", admin(adminKey));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    /** The same partner, calling another instance. */
    public PartnerClient on(TestHerald other) {
        return new PartnerClient(other, adminKey, id, key);
    }

    private static String[] admin(String adminKey) {
        return adminKey == null ? new String[0] : new String[] {"Authorization", "Bearer " + adminKey};
    }

    public HttpResponse<String> get(String path) throws Exception {
        return Http.get(herald.http("/partner/v1" + path), "Authorization", "Bearer " + key);
    }

    public HttpResponse<String> post(String path, String body) throws Exception {
        return Http.post(herald.http("/partner/v1" + path), "application/json", body, "Authorization", "Bearer " + key);
    }

    public HttpResponse<String> patch(String path, String body) throws Exception {
        return Http.patch(herald.http("/partner/v1" + path), body, "Authorization", "Bearer " + key);
    }

    public HttpResponse<String> delete(String path) throws Exception {
        return Http.delete(herald.http("/partner/v1" + path), "Authorization", "Bearer " + key);
    }

    /** Creates a subscription; its answer (with the secret, shown this once). */
    public JsonNode subscribe(String body) throws Exception {
        HttpResponse<String> r = post("/subscriptions", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Json.tree(r.body());
    }
}
