package dev.herald.config;

import java.time.Duration;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Herald's periodic work as Camel routes on the scheduler component, so Camel's tooling lists them,
 * their failures reach the error handler and the logs, and shutdown stops them with the other
 * routes before the broker and the store go: re-reading subscription state, reloading an edited
 * subscriptions file, waking stranded ordering-lane heads, forgetting expired idempotency keys,
 * letting go of event ids that idle JMS ingress threads still hold.
 */
final class HousekeepingRoutes extends RouteBuilder {

    /** One periodic job: its route id, how often, and what it does. */
    record Job(String id, Duration every, Work work) {}

    interface Work {
        void run() throws Exception;
    }

    private final Job[] jobs;

    HousekeepingRoutes(Job... jobs) {
        this.jobs = jobs;
    }

    @Override
    public void configure() {
        // A failed run (the store away, say) is said in one line and tried again next period.
        onException(Exception.class).handled(true)
                .log(LoggingLevel.WARN, "dev.herald.housekeeping", "${routeId} failed (tried again next period): ${exception.message}");
        for (Job job : jobs) {
            if (job.every().isZero()) continue; // turned off in the settings
            // Not at start (it has just been done), then every period; one run at a time.
            from("scheduler:" + job.id() + "?initialDelay=" + job.every().toMillis() + "&delay=" + job.every().toMillis())
                    .routeId(job.id())
                    .process(exchange -> job.work().run());
        }
    }
}
