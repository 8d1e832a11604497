package dev.herald.channel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An email subscription's templates, compiled now, its SMTP password from its reference, and its server checked. */
final class EmailParameters implements ParameterReader {

    @Override
    public ChannelSettings read(Parameters p) {
        Map<String, String> values = new LinkedHashMap<>(p.values());
        String password = p.secret("password");
        if (password != null) values.put("password", password);
        EmailTemplates templates = templates(p, values);
        if (p.value("host") != null && p.targets() != null) {
            p.refused("host", p.targets().smtpServer(p.value("host"), p.value("port")), "use a mail server on a public address");
        }
        return new ChannelSettings(Map.copyOf(values), null, List.of(), null, templates);
    }

    /** Each template compiled on its own first, so that every broken one is reported at itself. */
    private static EmailTemplates templates(Parameters p, Map<String, String> values) {
        boolean broken = false;
        for (String field : p.templates()) {
            String template = values.get(field);
            if (template == null) continue;
            try {
                new EmailTemplates(Map.of(field, template));
            } catch (IllegalArgumentException e) {
                p.at(field).addMessage(e.getMessage(), "close every {{ with }} and every {{#section}} with {{/section}}");
                broken = true;
            }
        }
        return broken ? null : new EmailTemplates(values);
    }
}
