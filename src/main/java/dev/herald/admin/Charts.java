package dev.herald.admin;

import static dev.herald.http.Requests.path;
import static dev.herald.http.Requests.query;

import dev.herald.http.Auth;
import dev.herald.http.HttpProblem;
import dev.herald.http.HttpResponses;
import dev.herald.store.AdminQueries;
import dev.herald.subscription.SubscriptionRegistry;
import java.time.Duration;
import java.time.Instant;
import org.apache.camel.Exchange;

/** What the operators' console draws: a subscription's attempts and latency over time, and Herald's queues over the last hour. */
public final class Charts {

    private final Auth auth;
    private final AdminQueries queries;
    private final SubscriptionRegistry subscriptions;
    private final QueueHistory queues;

    public Charts(Auth auth, AdminQueries queries, SubscriptionRegistry subscriptions, QueueHistory queues) {
        this.auth = auth;
        this.queries = queries;
        this.subscriptions = subscriptions;
        this.queues = queues;
    }

    public void getSubscriptionStats(Exchange exchange) {
        HttpResponses.serve(exchange, auth::admin, 200, ex -> {
            String id = path(ex, "id");
            if (subscriptions.inForce(id) == null) throw new HttpProblem(404, "no subscription '" + id + "'");
            int hours = AttemptSeries.hours(query(ex, "hours"));
            Instant now = Instant.now();
            return AttemptSeries.of(queries.attempts(id, now.minus(Duration.ofHours(hours)), AttemptSeries.MOST_POINTS), now,
                    Duration.ofHours(hours), 24);
        });
    }

    public void listQueueHistory(Exchange exchange) {
        HttpResponses.serve(exchange, auth::admin, 200, ex -> queues.view());
    }
}
