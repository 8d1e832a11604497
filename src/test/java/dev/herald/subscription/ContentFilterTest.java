package dev.herald.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.herald.event.Json;
import org.junit.jupiter.api.Test;

class ContentFilterTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final JsonNode EVENT = Json.tree("""
            {"type": "order.created", "subject": "vip-42",
             "data": {"total": 1250.5, "country": "DE", "sku": "EU-778", "tags": ["gift", "express"],
                      "customer": {"tier": "gold"}, "coupon": null}}""");

    static boolean matches(String yaml) throws Exception {
        return ContentFilter.compile(YAML.readTree(yaml)).matches(EVENT);
    }

    @Test
    void valuesAreOredAndFieldsAreAnded() throws Exception {
        assertThat(matches("data: {country: [DE, FR]}")).isTrue();
        assertThat(matches("data: {country: [FR]}")).isFalse();
        assertThat(matches("data: {country: [DE], sku: [EU-778]}")).isTrue();
        assertThat(matches("data: {country: [DE], sku: [US-1]}")).isFalse();
        assertThat(matches("data: {customer: {tier: [gold]}}")).isTrue();
        assertThat(matches("type: [order.created]")).isTrue();
    }

    @Test
    void matchersCoverPrefixSuffixAnythingButNumericAndExists() throws Exception {
        assertThat(matches("data: {sku: [{prefix: EU-}]}")).isTrue();
        assertThat(matches("data: {sku: [{suffix: '-778'}]}")).isTrue();
        assertThat(matches("data: {sku: [{prefix: US-}]}")).isFalse();
        assertThat(matches("data: {country: [{anything-but: [FR, IT]}]}")).isTrue();
        assertThat(matches("data: {country: [{anything-but: DE}]}")).isFalse();
        assertThat(matches("data: {sku: [{anything-but: {prefix: US-}}]}")).isTrue();
        assertThat(matches("data: {sku: [{anything-but: {suffix: '-778'}}]}")).isFalse();
        assertThat(matches("data: {total: [{anything-but: {prefix: '1'}}]}")).as("anything-but a prefix: text only").isFalse();
        assertThat(matches("data: {total: [{numeric: ['>=', 1000]}]}")).isTrue();
        assertThat(matches("data: {total: [{numeric: ['>', 0, '<', 1000]}]}")).isFalse();
        assertThat(matches("data: {total: [1250.5]}")).isTrue();
        assertThat(matches("data: {country: [{numeric: ['>', 0]}]}")).as("a string is not a number").isFalse();
        assertThat(matches("data: {coupon: [{exists: true}]}")).as("present though null").isTrue();
        assertThat(matches("data: {voucher: [{exists: false}]}")).isTrue();
        assertThat(matches("data: {voucher: [{exists: true}]}")).isFalse();
        assertThat(matches("data: {coupon: [null]}")).isTrue();
    }

    @Test
    void arraysMatchWhenAnyElementDoesAndOrCombinesAlternatives() throws Exception {
        assertThat(matches("data: {tags: [express]}")).isTrue();
        assertThat(matches("data: {tags: [same-day]}")).isFalse();
        assertThat(matches("$or: [{subject: [{prefix: 'vip-'}]}, {data: {country: [FR]}}]")).isTrue();
        assertThat(matches("$or: [{subject: [{prefix: 'std-'}]}, {data: {country: [FR]}}]")).isFalse();
    }

    @Test
    void mistakesAreReportedWithTheirPathAndAFix() {
        assertThatThrownBy(() -> matches("data: {country: DE}")).hasMessageContaining("filter.data.country").hasMessageContaining("[\"DE\"]");
        assertThatThrownBy(() -> matches("data: {total: [{numeric: ['~', 3]}]}")).hasMessageContaining("'~' is not a comparison");
        assertThatThrownBy(() -> matches("data: {sku: [{contains: x}]}")).hasMessageContaining("unknown matcher 'contains'");
        assertThatThrownBy(() -> matches("data: {sku: []}")).hasMessageContaining("nothing could match");
    }

    @Test
    void aMissingFieldMatchesOnlyExistsFalse() throws Exception {
        for (String matcher : new String[] {"[x]", "[{prefix: x}]", "[{suffix: x}]", "[{anything-but: x}]",
                "[{numeric: ['>', 0]}]", "[{exists: true}]", "[null]"}) {
            assertThat(matches("data: {absent: " + matcher + "}")).as(matcher).isFalse();
        }
        assertThat(matches("data: {absent: [{exists: false}]}")).isTrue();
        assertThat(matches("nothing: {deeper: [x]}")).as("a missing object").isFalse();
    }

    @Test
    void aValueOfAnotherTypeDoesNotMatch() throws Exception {
        assertThat(matches("data: {country: [{numeric: ['>', 0]}]}")).as("numeric on a string").isFalse();
        assertThat(matches("data: {total: [{prefix: '1'}]}")).as("prefix on a number").isFalse();
        assertThat(matches("data: {total: [{suffix: '5'}]}")).as("suffix on a number").isFalse();
        assertThat(matches("data: {total: ['1250.5']}")).as("a string equal to a number's text").isFalse();
        assertThat(matches("data: {customer: [gold]}")).as("a value against an object").isFalse();
        assertThat(matches("data: {customer: {tier: [{anything-but: silver}]}}")).isTrue();
        assertThat(matches("data: {customer: [{anything-but: silver}]}")).as("anything-but on an object").isFalse();
        assertThat(matches("data: {coupon: [{anything-but: x}]}")).as("anything-but on null").isTrue();
    }
}
