package dev.herald.channel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A partner's email subscription: Herald's operational events (a delivery dead, a subscription
 * disabled) mailed to the partner's address, through the SMTP server the platform set up for
 * partners, in Herald's words. A partner chooses the address, never the server or the text.
 */
public final class PartnerMail {

    private static final String SUBJECT = "[Herald] {{type}}: {{data.subscriptionId}}";
    private static final String TEXT = """
            {{type}} at {{time}}, for your subscription {{data.subscriptionId}}.

            {{data.reason}}
            {{#data.deliveryId}}
            Delivery {{data.deliveryId}} of event {{data.eventId}} ({{data.eventType}}), after {{data.attempts}} attempt(s).
            See it with GET /partner/v1/deliveries/{{data.deliveryId}}, and replay it from your dead letters.
            {{/data.deliveryId}}
            """;

    private PartnerMail() {}

    /** @param server the platform's SMTP settings for partners (host, port, username, password, starttls, from) */
    public static ChannelSettings to(Map<String, String> server, String address) {
        Map<String, String> p = new LinkedHashMap<>(server);
        p.put("to", address);
        p.put("subject", SUBJECT);
        p.put("text", TEXT);
        return new ChannelSettings(Map.copyOf(p), null, List.of(), null, new EmailTemplates(p));
    }
}
