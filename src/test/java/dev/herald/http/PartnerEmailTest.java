package dev.herald.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.herald.event.Json;
import dev.herald.support.PartnerClient;
import dev.herald.support.Receiver;
import dev.herald.support.TestHerald;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A partner subscribes an email address to its own operational events, through the SMTP server the
 * platform set up for partners (a real one, GreenMail): it is told when a delivery of its dies,
 * another partner is not, and an address may take nothing but Herald's operational events.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PartnerEmailTest {

    static final String ADMIN_KEY = ApiKeys.newKey();
    static GreenMail smtp;
    static Receiver receiver;
    static TestHerald herald;
    static PartnerClient mailer;
    static PartnerClient quiet;

    @BeforeAll
    static void start() throws Exception {
        smtp = new GreenMail(new ServerSetup(TestHerald.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        receiver = new Receiver();
        herald = PartnerClient.herald(ADMIN_KEY, receiver, Map.of("herald.partners.email.host", "127.0.0.1",
                "herald.partners.email.port", String.valueOf(smtp.getSmtp().getPort()),
                "herald.partners.email.starttls", "false",
                "herald.partners.email.from", "herald@platform.example"));
        mailer = PartnerClient.create(herald, ADMIN_KEY, "mailer", null);
        quiet = PartnerClient.create(herald, ADMIN_KEY, "quiet", null);
        quiet.subscribe("{\"name\": \"ops\", \"email\": \"ops@quiet.example\", \"types\": [\"herald.*\"]}");
    }

    @AfterAll
    static void stop() throws Exception {
        if (herald != null) herald.close();
        receiver.close();
        smtp.stop();
    }

    @Test
    @Order(1)
    void aPartnerIsMailedWhenOneOfItsDeliveriesDiesAndNoOtherPartnerIs() throws Exception {
        JsonNode made = mailer.subscribe("{\"name\": \"ops\", \"email\": \"ops@mailer.example\", \"types\": [\"herald.delivery.dead\"]}");
        assertThat(made.path("email").asText()).isEqualTo("ops@mailer.example");
        assertThat(made.has("secret")).as("mail is not signed: no secret").isFalse();
        mailer.subscribe("{\"name\": \"failing\", \"url\": \"" + receiver.url("/failing") + "\", \"types\": [\"order.*\"],"
                + " \"retry\": [\"0s\"]}");
        receiver.script("/failing", Receiver.Response.text(500, "database unavailable"));
        PartnerClient.sendOrder(herald, ADMIN_KEY, "mail-1", "mailer");

        await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length >= 1);
        MimeMessage mail = smtp.getReceivedMessages()[0];
        assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).map(Object::toString)).containsExactly("ops@mailer.example");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("herald@platform.example");
        assertThat(mail.getSubject()).isEqualTo("[Herald] herald.delivery.dead: mailer.failing");
        String text = GreenMailUtil.getBody(mail);
        assertThat(text).contains("HTTP 500").contains("of event mail-1 (order.created)").contains("GET /partner/v1/deliveries/msg_");
        Thread.sleep(1000);
        assertThat(smtp.getReceivedMessages()).as("quiet's address is told nothing of mailer's").hasSize(1);
    }

    @Test
    @Order(2)
    void anAddressTakesOnlyOperationalEventsAndHasNoSecret() throws Exception {
        Map<String, String> refused = Map.of(
                "{\"email\": \"ops@quiet.example\", \"types\": [\"order.*\"]}", "not Herald's operational events",
                "{\"email\": \"ops@quiet.example\\r\\nBcc: all@example.com\", \"types\": [\"herald.*\"]}", "is not one email address",
                "{\"email\": \"{{data.to}}@example.com\", \"types\": [\"herald.*\"]}", "is not one email address",
                "{\"email\": \"ops@quiet.example\", \"url\": \"" + receiver.url("/x") + "\", \"types\": [\"herald.*\"]}",
                "more than one of url, email and stream is given");
        for (var e : refused.entrySet()) {
            HttpResponse<String> r = quiet.post("/subscriptions", e.getKey());
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(r.body()).as(e.getKey()).contains(e.getValue());
        }
        HttpResponse<String> rotate = quiet.post("/subscriptions/quiet.ops/rotate-secret", "{}");
        assertThat(rotate.statusCode()).isEqualTo(409);
        assertThat(rotate.body()).contains("no secret to rotate");
        // To a webhook and back: the other field set to null.
        HttpResponse<String> toHook = quiet.patch("/subscriptions/quiet.ops",
                "{\"email\": null, \"url\": \"" + receiver.url("/quiet") + "\"}");
        assertThat(toHook.statusCode()).as(toHook.body()).isEqualTo(200);
        assertThat(Json.tree(toHook.body()).path("url").asText()).endsWith("/quiet");
        HttpResponse<String> back = quiet.patch("/subscriptions/quiet.ops", "{\"url\": null, \"email\": \"ops@quiet.example\"}");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
        assertThat(Json.tree(back.body()).path("url").isNull()).isTrue();
    }

    /** The platform stops offering mail: a partner's email subscription's deliveries die saying so, nothing else breaks. */
    @Test
    @Order(3)
    void withoutThePlatformsMailServerAnEmailSubscriptionsDeliveriesDieWithTheReason() throws Exception {
        herald.restart(Map.of("herald.partners.email.host", ""));
        receiver.script("/failing", Receiver.Response.text(500, "still down"));
        PartnerClient.sendOrder(herald, ADMIN_KEY, "mail-2", "mailer");
        String deadOps = "/dead-letters?subscription=mailer.ops";
        await().atMost(Duration.ofSeconds(20)).until(() -> PartnerViewTest.items(mailer.get(deadOps)).size() == 1);
        assertThat(PartnerViewTest.items(mailer.get(deadOps)).get(0).path("reason").asText())
                .contains("the platform sends partners no email any more");
        HttpResponse<String> refused = mailer.post("/subscriptions",
                "{\"name\": \"more\", \"email\": \"x@mailer.example\", \"types\": [\"herald.*\"]}");
        assertThat(refused.statusCode()).isEqualTo(400);
    }
}
