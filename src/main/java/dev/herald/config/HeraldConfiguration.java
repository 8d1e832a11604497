package dev.herald.config;

import dev.herald.broker.BrokerDefaults;
import dev.herald.admin.AdminApi;
import dev.herald.admin.Charts;
import dev.herald.admin.QueueHistory;
import dev.herald.partner.PartnerAdmin;
import dev.herald.admin.Replays;
import dev.herald.broker.BrokerLogins;
import dev.herald.broker.EmbeddedBroker;
import dev.herald.broker.Publisher;
import dev.herald.health.BrokerReadiness;
import dev.herald.health.StoreReadiness;
import dev.herald.http.Auth;
import dev.herald.partner.PartnerApi;
import dev.herald.partner.Partners;
import dev.herald.http.GroupCommit;
import dev.herald.http.IngestApi;
import dev.herald.http.StaticResources;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.net.AddressGuard;
import dev.herald.store.AdminQueries;
import dev.herald.http.IdempotencyKeys;
import io.micrometer.core.instrument.MeterRegistry;
import dev.herald.subscription.RetrySchedule;
import dev.herald.channel.Targets;
import dev.herald.deliver.Admission;
import dev.herald.deliver.SubscriptionHealth;
import dev.herald.dispatch.Dispatcher;
import dev.herald.dispatch.DispatchConsumer;
import dev.herald.dispatch.InlineDispatch;
import dev.herald.deliver.DeliveryAttempts;
import dev.herald.deliver.DeliveryConsumer;
import dev.herald.deliver.Parking;
import dev.herald.deliver.Unparker;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import java.util.List;
import dev.herald.event.EventCatalog;
import dev.herald.event.EventFactory;
import dev.herald.ingress.IngressLimit;
import dev.herald.ingress.KeptInput;
import dev.herald.event.Json;
import dev.herald.ingress.KafkaIngress;
import dev.herald.ingress.KafkaOffsets;
import dev.herald.ingress.RejectReason;
import dev.herald.ingress.RejectedInput;
import dev.herald.deliver.OrderingLanes;
import dev.herald.store.Store;
import dev.herald.store.StoreWriter;
import dev.herald.store.StreamQueries;
import dev.herald.stream.StreamHub;
import dev.herald.stream.StreamRetention;
import dev.herald.stream.StreamRoutes;
import dev.herald.stream.StreamSettings;
import dev.herald.subscription.OrderingWarnings;
import dev.herald.subscription.SubscriptionLoader;
import dev.herald.subscription.SubscriptionRegistry;
import dev.herald.partner.PartnerSubscriptions;
import dev.herald.partner.SubscriptionApi;
import dev.herald.partner.PartnerView;
import dev.herald.partner.QueueQuota;
import dev.herald.partner.PortalLinks;
import dev.herald.partner.SecretBox;
import dev.herald.store.PartnerQueries;
import dev.herald.trace.Tracing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.support.service.ServiceSupport;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.herald.deliver.LaneSweeper;

/**
 * Builds Herald's parts from its settings and binds them for the routes: the broker (embedded or
 * external), the transacted JMS component, the store and its writer, the subscriptions, and the
 * beans the core routes call.
 */
public final class HeraldConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(HeraldConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings cfg = new Settings(context);
        Path dataDir = Path.of(cfg.string("herald.data.dir"));
        Files.createDirectories(dataDir);
        // A second Herald on this data directory or these ports would otherwise wait silently on Artemis' journal lock.
        InstanceGuard instance = InstanceGuard.claim(dataDir, InstanceGuard.ports(cfg));
        context.addService(instance, true, false);

        // The store and the subscriptions first: a mistake there stops Herald before it opens ports.
        Store store = new Store(cfg.string("herald.store.url"), cfg.optional("herald.store.user").orElse(null),
                cfg.optional("herald.store.password").orElse(null), cfg.integer("herald.store.pool-size"));
        EmbeddedBroker broker = null;
        try {
            store.migrate();
            EventCatalog catalog = EventCatalog.load(Path.of(cfg.string("herald.catalog.file")));
            Targets targets = new Targets(new AddressGuard(cfg.optional("herald.ssrf.allow").orElse("")),
                    Targets.schemes(cfg.optional("herald.ssrf.allow-schemes").orElse("")));
            RetrySchedule defaultRetry = RetrySchedule.parse(cfg.string("herald.retry.schedule"), cfg.decimal("herald.retry.jitter"));
            // Partners' webhooks pass their own guard: the platform's allow-list is not theirs.
            AddressGuard partnerGuard = PartnerSetup.guard(cfg);
            SecretBox partnerSecrets = PartnerSetup.secretBox(cfg, dataDir);
            PartnerSubscriptions partnerSubscriptions = PartnerSubscriptions.open(store.dataSource(), partnerSecrets,
                    catalog, new Targets(partnerGuard, java.util.Set.of()), defaultRetry, PartnerSetup.mailServer(cfg));
            SubscriptionRegistry subscriptions = new SubscriptionRegistry(Path.of(cfg.string("herald.subscriptions.file")),
                    new SubscriptionLoader(context::resolvePropertyPlaceholders, defaultRetry, cfg.string("herald.kafka.brokers"), targets),
                    store, catalog, partnerSubscriptions);
            subscriptions.load();
            subscriptions.refreshState();
            PortalLinks portalLinks = new PortalLinks(partnerSecrets);
            Partners partners = new Partners(store.dataSource(), portalLinks);
            Auth auth = HttpSetup.auth(cfg, partners);

            // The broker: Herald's own, or the one at herald.broker.url.
            String brokerUrl = cfg.optional("herald.broker.url").orElse(null);
            BrokerLogins.Login heraldLogin;
            if (brokerUrl == null) {
                broker = BrokerSetup.embedded(cfg, dataDir);
                broker.start();
                brokerUrl = broker.vmUrl();
                heraldLogin = broker.heraldLogin();
                context.getRegistry().bind("heraldBroker", broker);
            } else {
                LOG.info("Using the external broker at {}", brokerUrl);
                heraldLogin = new BrokerLogins.Login(cfg.optional("herald.broker.user").orElse(null),
                        cfg.optional("herald.broker.password").orElse(null), "herald.broker.password");
            }
            JmsPoolConnectionFactory pool = JmsSetup.pool(cfg, brokerUrl, heraldLogin);
            context.addComponent("jms", JmsSetup.component(pool));
            Publisher publisher = new Publisher(pool);

            var registry = context.getRegistry();
            // Herald's meters go into the registry Camel's metrics service makes and scrapes.
            HeraldMetrics metrics = new HeraldMetrics(() -> registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class));
            registry.bind("heraldMetrics", metrics);
            String instanceId = cfg.optional("herald.instance.id").orElse(ProcessHandle.current().pid() + "@" + hostname());
            Tracing tracing = TracingSetup.from(cfg, context, instanceId);

            // Accept: what the core and ingress routes call.
            int maxEventBytes = cfg.integer("herald.accept.max-event-bytes");
            EventFactory events = new EventFactory(maxEventBytes, Clock.systemUTC(), catalog, tracing);
            registry.bind("eventFactory", events);
            registry.bind("heraldXmlMapper", events.xmlMapper());
            // The only ObjectMapper in the registry: the routes' `json` data format takes it (camel-jackson's
            // useDefaultObjectMapper), so integrators' routes parse with Herald's limits too.
            registry.bind("heraldJsonMapper", Json.MAPPER);
            IngressLimit limit = new IngressLimit(maxEventBytes);
            registry.bind("ingressLimit", limit);
            registry.bind("keptInput", new KeptInput());
            RejectReason reasons = new RejectReason();
            RejectedInput rejectedInput = new RejectedInput();
            registry.bind("rejectReason", reasons);
            registry.bind("rejectedInput", rejectedInput);
            // Dispatch: in each ingress's own transaction, and for what needs more, from herald.events.
            OrderingLanes lanes = new OrderingLanes(store.dataSource());
            Dispatcher dispatcher = new Dispatcher(subscriptions, store, lanes, cfg.duration("herald.dispatch.recheck-after").toMillis(),
                    tracing);
            InlineDispatch inline = new InlineDispatch(dispatcher, pool, cfg.bool("herald.dispatch.inline"));
            registry.bind("inlineDispatch", inline);
            // routes/ingress-kafka.yaml: a poll's records in one broker transaction, then their offsets.
            registry.bind("kafkaIngress", new KafkaIngress(events, limit, reasons, rejectedInput, publisher, inline, metrics));
            // For integrators' record-at-a-time Kafka routes (examples/open-platform).
            registry.bind("kafkaOffsets", new KafkaOffsets());

            // Deliver.
            Admission admission = DeliverySetup.admission(cfg, new SubscriptionHealth(store.dataSource()));
            Parking parking = new Parking(store.dataSource());
            // A subscription whose circuit is open gets its new deliveries parked at dispatch: a burst
            // for a broken partner never queues in front of the others in herald.deliveries.
            dispatcher.parkOpenCircuits((subscription, now) -> {
                Long until = admission.openUntil(subscription, now);
                if (until != null) parking.parked(subscription, now);
                return until;
            });
            // A partner at its quota of waiting deliveries gets its new ones refused as dead letters.
            PartnerQueries partnerQueries = new PartnerQueries(store.dataSource());
            QueueQuota queueQuota = new QueueQuota(partnerQueries, partners,
                    cfg.duration("herald.partners.queued-check-interval").toMillis());
            dispatcher.limitPartners(queueQuota, instanceId);
            dispatcher.countWith(new Dispatcher.Counts() {
                @Override
                public void parked(String subscriptionId) {
                    metrics.deferred(subscriptionId, Admission.Why.CIRCUIT.label());
                }

                @Override
                public void refused(String subscriptionId) {
                    metrics.refused(subscriptionId, "partner-queue-quota");
                }
            });
            DeliveryAttempts attempts = DeliverySetup.attempts(cfg, subscriptions, targets, partnerGuard, lanes, metrics, admission, parking,
                    instanceId, tracing);
            ServerLocator locator = DeliverySetup.locator(brokerUrl);
            Unparker unparker = DeliverySetup.unparker(cfg, parking, admission, locator, heraldLogin);

            // The HTTP API: POST /events, the admin API, the console, health.
            IdempotencyKeys idempotency = new IdempotencyKeys(store.dataSource());
            long idempotencyWindow = cfg.duration("herald.http.idempotency-window").toMillis();
            // Concurrent requests' events committed together: one broker commit per group of up to 100
            // events, not per request (a batch of 100 or more commits by itself, as before).
            GroupCommit ingestCommits = new GroupCommit(publisher, 100, () -> metrics.ingestCommit("http"));
            context.addService(ingestCommits, true, true);
            registry.bind("ingestApi", new IngestApi(auth, events, publisher, ingestCommits, inline, idempotency, metrics, maxEventBytes,
                    cfg.integer("herald.http.max-batch-bytes"), cfg.integer("herald.http.max-batch-events"), idempotencyWindow));
            AdminQueries queries = new AdminQueries(store.dataSource());
            Replays replays = new Replays(queries, subscriptions, publisher);
            registry.bind("adminApi", new AdminApi(auth, queries, subscriptions, replays, admission,
                    new AdminApi.Rejected(pool, publisher, events, metrics, context)));
            QueueHistory queueHistory = new QueueHistory(List.of(BrokerDefaults.EVENTS, BrokerDefaults.DELIVERIES, BrokerDefaults.DEAD,
                    BrokerDefaults.REJECTED, BrokerDefaults.LOG), broker == null ? null : broker::messageCount);
            registry.bind("adminCharts", new Charts(auth, queries, subscriptions, queueHistory));
            registry.bind("partnerAdmin", new PartnerAdmin(auth, partners, subscriptions::reloadStoredIfChanged, portalLinks));
            registry.bind("partnerApi", new PartnerApi(auth, partners));
            registry.bind("partnerSubscriptions", new SubscriptionApi(auth, partners, partnerSubscriptions, subscriptions,
                    cfg.duration("herald.partners.rotation-window")));
            registry.bind("partnerView", new PartnerView(auth, partnerQueries, queries, replays, subscriptions,
                    admission, queueQuota));
            registry.bind("heraldStatic", new StaticResources());
            registry.bind("storeReadiness", new StoreReadiness(store));
            registry.bind("brokerReadiness", new BrokerReadiness(pool));
            StreamSettings streamSettings = StreamSetup.settings(cfg);
            StreamQueries streamQueries = new StreamQueries(store.dataSource(), instanceId);
            StreamHub streams = new StreamHub(streamQueries, streamSettings);
            StreamRoutes streamRoutes = new StreamRoutes(streams, auth, subscriptions);
            HttpSetup.server(cfg, context, hostname(), streamRoutes::install);

            EmbeddedBroker embedded = broker;
            context.addStartupListener(new org.apache.camel.StartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
                    // Only now does Camel's metrics service hold the registry to add them to.
                    gauges(metrics, embedded, subscriptions, admission);
                    metrics.gauge("herald.stream.connections", "Stream connections and waiting long polls open on this instance",
                            streams::connections);
                    if (embedded != null) BrokerSetup.warnUnreachableIngress(ctx, BrokerSetup.ingress(cfg));
                    OrderingWarnings.logAtStart(ctx, subscriptions.fromFile());
                    queueHistory.sample(); // the console's queue chart has a first point at once
                }
            });

            LaneSweeper sweeper = new LaneSweeper(lanes, publisher, cfg.duration("herald.ordering.sweep-after").toMillis());
            context.addRoutes(new HousekeepingRoutes(
                    new HousekeepingRoutes.Job("herald-subscription-state", cfg.duration("herald.subscriptions.state-refresh"), () -> {
                        subscriptions.refreshState();
                        admission.refresh();
                    }),
                    new HousekeepingRoutes.Job("herald-subscriptions-reload", cfg.duration("herald.subscriptions.reload-interval"),
                            subscriptions::reloadIfChanged),
                    new HousekeepingRoutes.Job("herald-queue-history", Duration.ofSeconds(QueueHistory.PERIOD_SECONDS), queueHistory::sample),
                    new HousekeepingRoutes.Job("herald-ordering-sweep", Duration.ofMillis(sweeper.periodMillis()), sweeper::run),
                    new HousekeepingRoutes.Job("herald-unpark", Unparker.PERIOD, unparker::run),
                    // Event ids an idle JMS ingress thread still holds from its last (long committed) message.
                    new HousekeepingRoutes.Job("herald-ingress-holds", Duration.ofSeconds(1), () -> inline.sweep(1000)),
                    new HousekeepingRoutes.Job("herald-idempotency-purge", Duration.ofHours(1),
                            () -> idempotency.purge(System.currentTimeMillis(), idempotencyWindow)),
                    new HousekeepingRoutes.Job("herald-stream-retention", cfg.duration("herald.streams.retention-check"),
                            new StreamRetention(streamQueries, streamSettings, metrics)::run)));

            StoreWriter writer = new StoreWriter(pool, store, cfg.integer("herald.store.batch-size"),
                    cfg.duration("herald.store.flush-interval").toMillis(), cfg.integer("herald.store.writers"), streams::appended);
            DispatchConsumer dispatch = new DispatchConsumer(pool, dispatcher, cfg.integer("herald.dispatch.consumers"),
                    cfg.integer("herald.dispatch.batch-size"));
            DeliveryConsumer deliver = DeliverySetup.consumer(cfg, context, locator, heraldLogin, attempts, targets);
            registry.bind("heraldDeliver", deliver);
            // Stopped after the routes, in reverse order: deliver, dispatch, writer, pool, store, broker.
            // The streams' consumers are let go first: they read the store.
            context.addService(new Lifecycle(broker, pool, store, List.of(writer, dispatch, deliver, streams)), true, true);
        } catch (Exception | Error e) {
            // Leave nothing running behind a failed start, or the JVM would not exit.
            if (broker != null) broker.stop();
            store.close();
            instance.release();
            throw e;
        }
    }

    /** Queue depths (embedded broker; an external Artemis cluster exports its own), disabled subscriptions, open circuits. */
    private static void gauges(HeraldMetrics metrics, EmbeddedBroker broker, SubscriptionRegistry subscriptions, Admission admission) {
        if (broker != null) {
            for (String queue : new String[] {BrokerDefaults.EVENTS, BrokerDefaults.DELIVERIES, BrokerDefaults.DEAD, BrokerDefaults.REJECTED, BrokerDefaults.LOG}) {
                metrics.gauge("herald.queue.depth", "Messages waiting on a Herald queue (scheduled retries included)", "queue", queue,
                        broker, b -> b.isStarted() ? b.messageCount(queue) : Double.NaN);
            }
        }
        metrics.gauge("herald.subscriptions.disabled", "Subscriptions disabled (410 Gone, or by an operator)", subscriptions::disabledCount);
        metrics.gauge("herald.circuits.open", "Subscriptions whose circuit is open (failing; probed, not attempted)",
                admission::openCircuits);
    }

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** Starts the consumers with the context; stops them, the pool, the store and the broker after the routes. */
    private static final class Lifecycle extends ServiceSupport {
        private final EmbeddedBroker broker;
        private final JmsPoolConnectionFactory pool;
        private final Store store;
        private final List<ServiceSupport> consumers;

        Lifecycle(EmbeddedBroker broker, JmsPoolConnectionFactory pool, Store store, List<ServiceSupport> consumers) {
            this.broker = broker;
            this.pool = pool;
            this.store = store;
            this.consumers = consumers;
        }

        @Override
        protected void doStart() {
            consumers.forEach(ServiceSupport::start);
        }

        @Override
        protected void doStop() throws Exception {
            for (int i = consumers.size() - 1; i >= 0; i--) consumers.get(i).stop();
            pool.stop();
            store.close();
            if (broker != null) broker.stop();
        }
    }

}
