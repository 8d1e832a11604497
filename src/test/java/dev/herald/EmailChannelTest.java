package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.herald.event.Json;
import dev.herald.support.ScriptedSmtpServer;
import dev.herald.support.TestHerald;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The email channel against real SMTP servers: GreenMail, and a scripted one for 4xx and 5xx answers. */
class EmailChannelTest {

    static GreenMail greenMail;
    static ScriptedSmtpServer scripted;
    static TestHerald herald;

    @BeforeAll
    static void start() throws Exception {
        greenMail = new GreenMail(new ServerSetup(TestHerald.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        scripted = new ScriptedSmtpServer();
        String server = "{host: 127.0.0.1, port: %d, starttls: false, from: herald@example.com}";
        herald = TestHerald.start("""
                subscriptions:
                  - id: mail-sales
                    types: ["order.*"]
                    filter: {data: {scenario: [mail]}}
                    channel: email
                    parameters:
                      host: 127.0.0.1
                      port: %d
                      starttls: false
                      from: herald@example.com
                      to: "sales@example.com, {{data.owner}}"
                      cc: audit@example.com
                      subject: "Order {{data.orderId}}: {{type}}"
                      text: "Order {{data.orderId}} for {{data.customerName}} was created."
                      html: "<p>Order <b>{{data.orderId}}</b> for {{data.customerName}}</p>"
                  - id: mail-flaky
                    types: ["order.*"]
                    filter: {data: {scenario: [flaky]}}
                    channel: email
                    parameters: {host: 127.0.0.1, port: %d, starttls: false, from: herald@example.com, to: ops@example.com,
                                 subject: "Order {{data.orderId}}", text: "{{data.orderId}}"}
                    retry: [0s, 200ms, 200ms]
                  - id: mail-unknown
                    types: ["order.*"]
                    filter: {data: {scenario: [unknown]}}
                    channel: email
                    parameters: {host: 127.0.0.1, port: %d, starttls: false, from: herald@example.com, to: nobody@example.com,
                                 subject: "Order {{data.orderId}}", text: "{{data.orderId}}"}
                    retry: [0s, 200ms, 200ms]
                """.formatted(greenMail.getSmtp().getPort(), scripted.port(), scripted.port()), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        herald.close();
        greenMail.stop();
        scripted.close();
    }

    @Test
    void recipientsSubjectAndBothBodiesAreRenderedFromTheEvent() throws Exception {
        herald.send("legacy.orders", Json.string(Map.of("orderId", "M-1", "status", "created", "scenario", "mail",
                "owner", "kim@example.com", "customerName", "Smith & <Sons>")));
        await().atMost(Duration.ofSeconds(20)).until(() -> greenMail.getReceivedMessages().length >= 3);
        MimeMessage mail = greenMail.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("Order M-1: order.created");
        assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).map(Object::toString))
                .containsExactlyInAnyOrder("sales@example.com", "kim@example.com");
        assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.CC)).map(Object::toString)).containsExactly("audit@example.com");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("herald@example.com");
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        MimeMultipart parts = (MimeMultipart) mail.getContent();
        String text = null, html = null;
        for (int i = 0; i < parts.getCount(); i++) {
            var part = parts.getBodyPart(i);
            if (part.isMimeType("text/plain")) text = GreenMailUtil.getBody(part);
            if (part.isMimeType("text/html")) html = GreenMailUtil.getBody(part);
        }
        assertThat(text).contains("Order M-1 for Smith & <Sons> was created.");
        assertThat(html).contains("<p>Order <b>M-1</b> for Smith &amp; &lt;Sons&gt;</p>");
        assertThat(mail.getHeader("X-Herald-Delivery-Id")[0]).startsWith("msg_");
    }

    @Test
    void aTemporarySmtpRefusalIsRetriedAndDelivered() throws Exception {
        scripted.scriptRcpt("451 4.3.0 Mailbox temporarily unavailable, try again later");
        herald.send("legacy.orders", Json.string(Map.of("orderId", "F-1", "status", "created", "scenario", "flaky")));
        await().atMost(Duration.ofSeconds(20)).until(() -> scripted.accepted().stream().anyMatch(m -> m.contains("Subject: Order F-1")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(herald.query("select a.outcome, a.error from attempts a join deliveries d on d.id = a.delivery_id"
                        + " where d.subscription_id = 'mail-flaky' order by a.attempt")).satisfiesExactly(
                        first -> {
                            assertThat(first.get("outcome")).isEqualTo("retrying");
                            assertThat((String) first.get("error")).contains("451");
                        },
                        second -> assertThat(second.get("outcome")).isEqualTo("succeeded")));
    }

    @Test
    void aPermanentSmtpRefusalDeadLettersWithTheServersReason() throws Exception {
        scripted.scriptRcpt("550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown");
        herald.send("legacy.orders", Json.string(Map.of("orderId", "U-1", "status", "created", "scenario", "unknown")));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(herald.query("select reason from dead_letters where subscription_id = 'mail-unknown'"))
                        .singleElement().satisfies(r -> assertThat((String) r.get("reason")).contains("550").contains("User unknown")));
        assertThat(herald.query("select count(*) as n from attempts a join deliveries d on d.id = a.delivery_id where d.subscription_id = 'mail-unknown'"))
                .singleElement().satisfies(r -> assertThat(((Number) r.get("n")).intValue()).isEqualTo(1));
    }
}
