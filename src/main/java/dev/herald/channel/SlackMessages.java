package dev.herald.channel;

import com.schibsted.spt.data.jslt.Expression;
import com.schibsted.spt.data.jslt.Parser;

/** The Slack message a subscription gets when it declares no transform of its own: a short summary. */
final class SlackMessages {

    static final Expression DEFAULT = Parser.compileString("""
            let subject = if (.subject) " for " + string(.subject) else ""
            {
              "text": string(.type) + $subject,
              "blocks": [
                {"type": "header", "text": {"type": "plain_text", "text": string(.type)}},
                {"type": "section", "text": {"type": "mrkdwn", "text": "*" + string(.type) + "*" + $subject}},
                {"type": "context", "elements": [
                  {"type": "mrkdwn", "text": "event " + string(.id) + " from " + string(.source) + " at " + string(.time)}
                ]}
              ]
            }
            """);

    private SlackMessages() {}
}
