package dev.herald.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.event.Json;
import dev.herald.support.Http;
import dev.herald.support.HeraldExtension;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Partners and their keys: the admin API manages them, a partner's key reaches the partner API as
 * that partner and nothing else, and no other key reaches the partner API.
 */
class PartnerApiTest {

    static final String ADMIN_KEY = ApiKeys.newKey();
    static final String INGEST_KEY = ApiKeys.newKey();

    @RegisterExtension
    static final HeraldExtension env = new HeraldExtension(receiver -> "subscriptions: []\n",
            Map.of("herald.http.admin-keys", "ops:" + ApiKeys.hash(ADMIN_KEY), "herald.http.ingest-keys", "shop:" + ApiKeys.hash(INGEST_KEY)));

    static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        String url = env.herald().http(path);
        return switch (method) {
            case "GET" -> Http.get(url, "Authorization", "Bearer " + ADMIN_KEY);
            case "DELETE" -> Http.delete(url, "Authorization", "Bearer " + ADMIN_KEY);
            default -> Http.post(url, "application/json", body, "Authorization", "Bearer " + ADMIN_KEY);
        };
    }

    static JsonNode created(String id) throws Exception {
        HttpResponse<String> r = admin("POST", "/api/partners", "{\"id\": \"" + id + "\", \"name\": \"Partner " + id + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Json.tree(r.body());
    }

    /** Issues a key for the partner and gives the key itself. */
    static String issued(String partnerId, String name) throws Exception {
        HttpResponse<String> r = admin("POST", "/api/partners/" + partnerId + "/keys", "{\"name\": \"" + name + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Json.tree(r.body()).path("key").asText();
    }

    static JsonNode keyNamed(String partnerId, String name) throws Exception {
        for (JsonNode k : Json.tree(admin("GET", "/api/partners/" + partnerId + "/keys", null).body()).path("items")) {
            if (k.path("name").asText().equals(name)) return k;
        }
        throw new AssertionError(partnerId + " has no key named " + name);
    }

    static HttpResponse<String> self(String key) throws Exception {
        return key == null ? Http.get(env.herald().http("/partner/v1/partner"))
                : Http.get(env.herald().http("/partner/v1/partner"), "Authorization", "Bearer " + key);
    }

    @Test
    void anAdminCreatesListsSuspendsResumesAndDeletesAPartner() throws Exception {
        JsonNode p = created("acme");
        assertThat(p.path("status").asText()).isEqualTo("active");
        assertThat(p.path("limits").path("maxSubscriptions").asInt()).isEqualTo(10);
        assertThat(p.path("limits").path("maxRatePerSecond").asInt()).isEqualTo(50);

        HttpResponse<String> again = admin("POST", "/api/partners", "{\"id\": \"acme\", \"name\": \"Another\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("exists already");
        HttpResponse<String> badId = admin("POST", "/api/partners", "{\"id\": \"Acme Shop\", \"name\": \"x\"}");
        assertThat(badId.statusCode()).isEqualTo(400);
        assertThat(badId.body()).contains("lower-case letters");
        HttpResponse<String> badLimit = admin("POST", "/api/partners",
                "{\"id\": \"big\", \"name\": \"x\", \"limits\": {\"maxRatePerSecond\": 0}}");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(badLimit.body()).contains("limits.maxRatePerSecond must be a whole number from 1 to 10000");
        assertThat(admin("POST", "/api/partners", "{\"id\": \"big\", \"name\": \"x\", \"limits\": 5}").statusCode()).isEqualTo(400);
        assertThat(admin("GET", "/api/partners/big", null).statusCode()).as("nothing made by a refused request").isEqualTo(404);

        assertThat(Json.tree(admin("GET", "/api/partners", null).body()).path("items").findValuesAsText("id")).contains("acme");
        assertThat(admin("POST", "/api/partners/acme/suspend", "").body()).contains("\"status\":\"suspended\"");
        assertThat(Json.tree(admin("GET", "/api/partners/acme", null).body()).path("status").asText()).isEqualTo("suspended");
        assertThat(admin("POST", "/api/partners/acme/resume", "").body()).contains("\"status\":\"active\"");

        assertThat(admin("DELETE", "/api/partners/acme", null).statusCode()).isEqualTo(204);
        assertThat(admin("GET", "/api/partners/acme", null).statusCode()).isEqualTo(404);
        assertThat(admin("DELETE", "/api/partners/acme", null).statusCode()).isEqualTo(404);
        assertThat(admin("POST", "/api/partners/nobody/suspend", "").statusCode()).isEqualTo(404);
    }

    @Test
    void aPartnersKeyIsShownOnceKeptOnlyAsItsHashAndSaysWhichPartnerItIs() throws Exception {
        created("north");
        created("south");
        String north = issued("north", "production");
        String south = issued("south", "production");
        assertThat(north).startsWith("hpk_").isNotEqualTo(south);

        assertThat(Json.tree(self(north).body()).path("id").asText()).isEqualTo("north");
        assertThat(Json.tree(self(south).body()).path("id").asText()).isEqualTo("south");

        // Listed without the key; stored without the key.
        String listed = admin("GET", "/api/partners/north/keys", null).body();
        assertThat(listed).contains("production").doesNotContain(north);
        List<Map<String, Object>> rows = env.herald().query("select * from partner_keys where partner_id = ?", "north");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).values().toString()).doesNotContain(north.substring(4));
        assertThat(rows.get(0).get("key_hash")).isEqualTo(ApiKeys.hash(north));
        assertThat(admin("GET", "/api/partners/nobody/keys", null).statusCode()).isEqualTo(404);
        assertThat(admin("POST", "/api/partners/nobody/keys", "{\"name\": \"x\"}").statusCode()).isEqualTo(404);
        assertThat(admin("POST", "/api/partners/north/keys", "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void aPartnersKeyReachesOnlyThePartnerApiAndNoOtherKeyReachesIt() throws Exception {
        created("east");
        String east = issued("east", "production");
        String auth = "Bearer " + east;

        // A partner's key is not an admin key, nor an ingest key.
        assertThat(Http.get(env.herald().http("/api/partners"), "Authorization", auth).statusCode()).isEqualTo(401);
        assertThat(Http.get(env.herald().http("/api/partners/east/keys"), "Authorization", auth).statusCode()).isEqualTo(401);
        assertThat(Http.post(env.herald().http("/api/partners/east/keys"), "application/json", "{\"name\": \"mine\"}",
                "Authorization", auth).statusCode()).isEqualTo(401);
        assertThat(Http.delete(env.herald().http("/api/partners/east"), "Authorization", auth).statusCode()).isEqualTo(401);
        assertThat(Http.get(env.herald().http("/api/events"), "Authorization", auth).statusCode()).isEqualTo(401);
        assertThat(Http.post(env.herald().http("/events"), "application/json",
                "{\"specversion\": \"1.0\", \"id\": \"p-1\", \"source\": \"urn:p\", \"type\": \"shop.order\"}",
                "Authorization", auth).statusCode()).isEqualTo(401);

        // The admin's and a service's keys are not partners' keys; nor is no key, or a made-up one.
        for (String other : new String[] {ADMIN_KEY, INGEST_KEY, "hpk_" + "A".repeat(43), ""}) {
            HttpResponse<String> r = self(other);
            assertThat(r.statusCode()).as(other).isEqualTo(401);
            assertThat(r.body()).doesNotContain("east");
        }
        HttpResponse<String> none = self(null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("needs a partner API key");
        assertThat(self(east).statusCode()).isEqualTo(200);
    }

    @Test
    void aRevokedKeyASuspendedPartnerAndADeletedPartnerAreRefusedAtOnce() throws Exception {
        created("west");
        String first = issued("west", "old system");
        String second = issued("west", "new system");
        String firstId = keyNamed("west", "old system").path("id").asText();

        assertThat(admin("DELETE", "/api/partners/west/keys/" + firstId, null).statusCode()).isEqualTo(204);
        assertThat(self(first).statusCode()).isEqualTo(401);
        assertThat(self(second).statusCode()).as("the other key keeps working").isEqualTo(200);
        assertThat(keyNamed("west", "old system").path("revokedAt").isNull()).isFalse();
        assertThat(keyNamed("west", "new system").path("revokedAt").isNull()).isTrue();
        assertThat(admin("DELETE", "/api/partners/west/keys/key_nope", null).statusCode()).isEqualTo(404);

        // Another partner's key id does not revoke through this partner.
        created("elsewhere");
        issued("elsewhere", "production");
        String theirs = Json.tree(admin("GET", "/api/partners/elsewhere/keys", null).body()).path("items").get(0).path("id").asText();
        assertThat(admin("DELETE", "/api/partners/west/keys/" + theirs, null).statusCode()).isEqualTo(404);
        assertThat(Json.tree(admin("GET", "/api/partners/elsewhere/keys", null).body()).path("items").get(0).path("revokedAt").isNull())
                .isTrue();

        admin("POST", "/api/partners/west/suspend", "");
        HttpResponse<String> suspended = self(second);
        assertThat(suspended.statusCode()).isEqualTo(403);
        assertThat(suspended.body()).contains("suspended");
        admin("POST", "/api/partners/west/resume", "");
        assertThat(self(second).statusCode()).isEqualTo(200);

        admin("DELETE", "/api/partners/west", null);
        assertThat(self(second).statusCode()).isEqualTo(401);
        assertThat(env.herald().query("select * from partner_keys where partner_id = ?", "west")).as("its keys went with it").isEmpty();
    }
}
