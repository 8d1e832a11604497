package dev.herald.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventCatalogTest {

    @TempDir
    Path dir;

    @Test
    void acceptRejectsCataloguedEventsWhoseDataBreaksTheSchemaWithPathAndMessage() throws Exception {
        EventFactory factory = new EventFactory(10_000, Clock.systemUTC(), EventCatalog.load(Path.of("config/catalog.yaml")),
                dev.herald.trace.Tracing.off());
        Message ok = message("{\"orderId\": \"A-1\", \"total\": 10, \"customer\": {\"country\": \"DE\"}}", "order.created");
        assertThat(factory.toEvent(ok).type()).isEqualTo("order.created");

        assertThatThrownBy(() -> factory.toEvent(message("{\"total\": -5, \"customer\": {\"country\": \"Germany\"}}", "order.created")))
                .isInstanceOf(RejectedEventException.class)
                .hasMessageStartingWith("the data does not match the catalog's schema for order.created: ")
                .hasMessageContaining("data: required property 'orderId' not found")
                .hasMessageContaining("data.total: must have a minimum value of 0")
                .hasMessageContaining("data.customer.country: does not match the regex pattern ^[A-Z]{2}$");
        // Types the catalog does not list pass unchecked.
        assertThat(factory.toEvent(message("{}", "inventory.counted")).type()).isEqualTo("inventory.counted");
    }

    @Test
    void theCatalogItselfIsCheckedAndCoversPatterns() throws Exception {
        Files.writeString(dir.resolve("bad.yaml"), """
                types:
                  "order created": {description: x}
                  order.paid:
                    schema: {type: object}
                  order.shipped:
                    description: shipped
                    schema: {type: 42}
                """);
        assertThatThrownBy(() -> EventCatalog.load(dir.resolve("bad.yaml")))
                .hasMessageContaining("bad.yaml:2:3: types.order created: not an event type")
                .hasMessageContaining("bad.yaml:4:5: types.order.paid: the description is missing — add one")
                .hasMessageContaining("bad.yaml:7:20: types.order.shipped.schema: not a usable JSON Schema");

        EventCatalog catalog = EventCatalog.load(Path.of("config/catalog.yaml"));
        assertThat(catalog.covers(new TypePattern("order.*"))).isTrue();
        assertThat(catalog.covers(new TypePattern("ordr.*"))).isFalse();
        assertThat(EventCatalog.load(dir.resolve("missing.yaml")).covers(new TypePattern("anything"))).isTrue();
    }

    @Test
    void theCatalogSaysWhichTypesPartnersMayHaveAndChecksTheirExamples() throws Exception {
        EventCatalog catalog = EventCatalog.load(Path.of("config/catalog.yaml"));
        assertThat(catalog.audience("order.created")).isEqualTo(EventCatalog.Audience.SCOPED);
        assertThat(catalog.audience("platform.maintenance.scheduled")).isEqualTo(EventCatalog.Audience.BROADCAST);
        assertThat(catalog.audience("user.signed_up")).as("not marked: never a partner's").isEqualTo(EventCatalog.Audience.NONE);
        assertThat(catalog.audience("not.catalogued")).isEqualTo(EventCatalog.Audience.NONE);
        assertThat(catalog.forPartners()).extracting(EventCatalog.Entry::type).contains("order.created").doesNotContain("user.signed_up");

        Files.writeString(dir.resolve("partners.yaml"), """
                types:
                  order.created:
                    description: x
                    partners: everyone
                  order.paid:
                    description: y
                    partners: scoped
                    example: {amount: "ten"}
                    schema: {type: object, properties: {amount: {type: number}}}
                """);
        assertThatThrownBy(() -> EventCatalog.load(dir.resolve("partners.yaml")))
                .hasMessageContaining("partners.yaml:4:15: types.order.created.partners: 'everyone' is not scoped or broadcast")
                .hasMessageContaining("types.order.paid.example does not match its schema: example.amount");
    }

    private static Message message(String body, String type) {
        Message m = new DefaultExchange(new DefaultCamelContext()).getMessage();
        m.setBody(body);
        m.setHeader("ce-type", type);
        return m;
    }
}
