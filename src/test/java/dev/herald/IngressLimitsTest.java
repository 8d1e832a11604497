package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.herald.event.Json;
import dev.herald.support.LogCapture;
import dev.herald.support.HeraldExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * herald.accept.max-event-bytes holds at every JMS ingress before the integrator's route parses
 * anything: a message too large is kept on herald.rejected with its size and the limit, the log
 * says ids, sizes and reasons only, and the next message flows. An event just under the limit
 * (larger than the broker's large-message threshold) is dispatched on its first try.
 */
class IngressLimitsTest {

    static final int LIMIT = 262_144;

    @RegisterExtension
    static final HeraldExtension env = new HeraldExtension(receiver -> """
                subscriptions:
                  - id: limits
                    types: ["order.*", "erp.order.*"]
                    channel: webhook
                    parameters: {url: "%s", secretFile: SECRET_FILE}
                """.formatted(receiver.url("/limits")),
            Map.of());

    @Test
    void tooLargeJsonAndXmlAreRejectedBeforeParsingAndNothingOfThemIsLogged() throws Exception {
        try (LogCapture log = new LogCapture()) {
            for (int size : new int[] {300_000, 5_000_000}) {
                String marker = "JSONPAYLOAD" + size;
                env.herald().send("legacy.orders", json("BIG-" + size, marker, size));
                String xmlMarker = "XMLPAYLOAD" + size;
                env.herald().send("erp.orders", xml("X-BIG-" + size, xmlMarker, size));
            }
            env.herald().send("legacy.orders", json("SMALL-1", "small", 100));
            env.herald().send("erp.orders", xml("X-SMALL-1", "small", 100));

            await().atMost(Duration.ofSeconds(30)).until(() -> subjects().containsAll(List.of("SMALL-1", "X-SMALL-1")));
            // Reasons and sizes only: a failure message must not print megabytes.
            List<String> rejected = await().atMost(Duration.ofSeconds(10)).until(() -> env.herald().browse("herald.rejected").stream()
                    .filter(m -> m.get("herald_reason").contains("the limit is"))
                    .map(m -> m.get("herald_route") + ": " + m.get("body").length() + " chars kept; " + m.get("herald_reason")).toList(),
                    l -> l.size() >= 4);
            assertThat(rejected).hasSize(4).allMatch(r -> r.matches(
                    "ingress-(orders-json|erp-orders): \\d+ chars kept; the message is \\d+ bytes; the limit is " + LIMIT + " \\(herald.accept.max-event-bytes\\)"));
            assertThat(rejected).extracting(r -> r.substring(r.indexOf(' ') + 1, r.indexOf(" chars"))).as("kept unchanged")
                    .containsExactlyInAnyOrder(Integer.toString(json("BIG-300000", "JSONPAYLOAD300000", 300_000).length()),
                            Integer.toString(json("BIG-5000000", "JSONPAYLOAD5000000", 5_000_000).length()),
                            Integer.toString(xml("X-BIG-300000", "XMLPAYLOAD300000", 300_000).length()),
                            Integer.toString(xml("X-BIG-5000000", "XMLPAYLOAD5000000", 5_000_000).length()));
            assertThat(subjects()).as("the large ones went nowhere").noneMatch(s -> s.contains("BIG"));
            assertThat(log.text()).doesNotContain("PAYLOAD").doesNotContain("BIG-").contains("the limit is " + LIMIT);
        }
    }

    @Test
    void anEventJustUnderTheLimitIsDispatchedAndDeliveredOnTheFirstTry() throws Exception {
        try (LogCapture log = new LogCapture()) {
            env.herald().send("legacy.orders", json("NEAR-1", "near", LIMIT - 2_000));
            var r = await().atMost(Duration.ofSeconds(30)).until(() -> env.receiver().requests("/limits").stream()
                    .filter(x -> x.bodyText().contains("NEAR-1")).findFirst(), java.util.Optional::isPresent).get();
            assertThat(Json.tree(r.bodyText()).path("data").path("pad").asText()).hasSizeGreaterThan(LIMIT - 3_000);
            assertThat(log.text()).as("no dispatch failed on the way").doesNotContain("rolled back").doesNotContain("Exception");
        }
    }

    /**
     * The sample route's `json` data format parses with Herald's mapper: deep nesting is refused, and
     * a parse error quotes only a few characters of the input.
     */
    @Test
    void routesParseJsonWithHeraldsLimitsAndQuoteLittleOfTheInput() throws Exception {
        String deep = "{\"orderId\": \"DEEP-1\", \"status\": \"created\", \"x\": " + "[".repeat(100) + "]".repeat(100) + "}";
        env.herald().send("legacy.orders", deep);
        env.herald().send("legacy.orders", "SECRETCUSTOMERNAMEANDADDRESSINCLEARTEXT and more");
        List<String> reasons = await().atMost(Duration.ofSeconds(15)).until(() -> env.herald().browse("herald.rejected").stream()
                .map(m -> m.get("herald_reason")).filter(r -> r.contains("not valid JSON")).toList(), l -> l.size() >= 2);
        assertThat(reasons).anyMatch(r -> r.contains("nesting depth"));
        assertThat(reasons).noneMatch(r -> r.contains("ADDRESSINCLEARTEXT")).anyMatch(r -> r.contains("Unrecognized token 'SECRET"));
    }

    static List<String> subjects() {
        return env.receiver().requests("/limits").stream().map(r -> Json.tree(r.bodyText()).path("subject").asText()).toList();
    }

    /** An order of about {@code size} bytes, its padding made of {@code marker}. */
    static String json(String orderId, String marker, int size) {
        return "{\"orderId\": \"" + orderId + "\", \"status\": \"created\", \"pad\": \"" + pad(marker, size) + "\"}";
    }

    static String xml(String orderNo, String marker, int size) {
        return "<ErpOrder><OrderNo>" + orderNo + "</OrderNo><Status>RELEASED</Status><Note>" + pad(marker, size) + "</Note></ErpOrder>";
    }

    private static String pad(String marker, int size) {
        return marker.repeat(Math.max(1, size / marker.length()));
    }
}
