package dev.herald.config;

import dev.herald.broker.BrokerDefaults;
import dev.herald.admin.AdminApi;
import dev.herald.admin.Replays;
import dev.herald.broker.BrokerLogins;
import dev.herald.broker.EmbeddedBroker;
import dev.herald.broker.Publisher;
import dev.herald.health.BrokerReadiness;
import dev.herald.health.StoreReadiness;
import dev.herald.http.ApiKeys;
import dev.herald.http.Auth;
import dev.herald.http.HttpSummary;
import dev.herald.http.IngestApi;
import dev.herald.http.RequestGuard;
import dev.herald.http.StaticResources;
import dev.herald.metrics.HeraldMetrics;
import dev.herald.net.AddressGuard;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;
import dev.herald.store.AdminQueries;
import dev.herald.http.IdempotencyKeys;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import dev.herald.subscription.RetrySchedule;
import dev.herald.channel.Channels;
import dev.herald.channel.Targets;
import dev.herald.deliver.Admission;
import dev.herald.deliver.DeliveryAttempts;
import dev.herald.deliver.SubscriptionHealth;
import dev.herald.dispatch.Dispatcher;
import dev.herald.dispatch.DispatchConsumer;
import dev.herald.broker.BatchConsumer;
import java.util.List;
import dev.herald.event.EventCatalog;
import dev.herald.event.EventFactory;
import dev.herald.ingress.IngressLimit;
import dev.herald.event.Json;
import dev.herald.ingress.KafkaOffsets;
import dev.herald.ingress.RejectReason;
import dev.herald.ingress.RejectedInput;
import dev.herald.deliver.OrderingLanes;
import dev.herald.store.Store;
import dev.herald.store.StoreWriter;
import dev.herald.subscription.OrderingWarnings;
import dev.herald.subscription.SubscriptionLoader;
import dev.herald.subscription.SubscriptionRegistry;
import dev.herald.trace.Tracing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.component.jms.JmsComponent;
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
        Path dataDir = Path.of(cfg.string("herald.data.dir", "./data"));
        Files.createDirectories(dataDir);
        // A second Herald on this data directory or these ports would otherwise wait silently on Artemis' journal lock.
        InstanceGuard instance = InstanceGuard.claim(dataDir, InstanceGuard.ports(cfg));
        context.addService(instance, true, false);

        // The store and the subscriptions first: a mistake there stops Herald before it opens ports.
        Store store = new Store(
                cfg.string("herald.store.url", "jdbc:h2:file:" + dataDir.toAbsolutePath() + "/store;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0"),
                cfg.optional("herald.store.user").orElse(null),
                cfg.optional("herald.store.password").orElse(null),
                cfg.integer("herald.store.pool-size", 8));
        EmbeddedBroker broker = null;
        try {
            store.migrate();
            RetrySchedule defaultRetry = RetrySchedule.parse(cfg.string("herald.retry.schedule", RetrySchedule.DEFAULT),
                    cfg.decimal("herald.retry.jitter", 0.2));
            EventCatalog catalog = EventCatalog.load(Path.of(cfg.string("herald.catalog.file", "config/catalog.yaml")));
            AddressGuard guard = new AddressGuard(cfg.optional("herald.ssrf.allow").orElse(""));
            Targets targets = new Targets(guard, Targets.schemes(cfg.optional("herald.ssrf.allow-schemes").orElse("")));
            String kafkaBrokers = cfg.string("herald.kafka.brokers", "127.0.0.1:9092");
            SubscriptionRegistry subscriptions = new SubscriptionRegistry(
                    Path.of(cfg.string("herald.subscriptions.file", "config/subscriptions.yaml")),
                    new SubscriptionLoader(context::resolvePropertyPlaceholders, defaultRetry, kafkaBrokers, targets), store, catalog);
            subscriptions.load();
            subscriptions.refreshState();
            Auth auth = new Auth(ApiKeys.parse(cfg.optional("herald.http.ingest-keys").orElse(null), "herald.http.ingest-keys"),
                    ApiKeys.parse(cfg.optional("herald.http.admin-keys").orElse(null), "herald.http.admin-keys"));
            String httpHost = cfg.string("herald.http.host", "127.0.0.1");
            if (auth.open() && !InetAddress.getByName(httpHost).isLoopbackAddress()) {
                throw new IllegalArgumentException("the HTTP API would listen on " + httpHost + " without API keys; set"
                        + " herald.http.admin-keys (and herald.http.ingest-keys) with `bin/herald apikey NAME`, or keep herald.http.host=127.0.0.1");
            }
            if (auth.open()) {
                LOG.warn("No API keys are set (herald.http.ingest-keys, herald.http.admin-keys): the HTTP API on {} serves anyone"
                        + " on this machine. Set keys before exposing it.", httpHost);
            }

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
            JmsPoolConnectionFactory pool = connectionFactory(cfg, brokerUrl, heraldLogin);
            context.addComponent("jms", jmsComponent(pool));

            var registry = context.getRegistry();
            // Herald's meters go into the registry Camel's metrics service makes and scrapes.
            HeraldMetrics metrics = new HeraldMetrics(() -> registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class));
            registry.bind("heraldMetrics", metrics);
            int maxEventBytes = cfg.integer("herald.accept.max-event-bytes", 262_144);
            String instanceId = cfg.string("herald.instance.id", ProcessHandle.current().pid() + "@" + hostname());
            Tracing tracing = TracingSetup.from(cfg, context, instanceId);
            EventFactory events = new EventFactory(maxEventBytes, Clock.systemUTC(), catalog, tracing);
            registry.bind("eventFactory", events);
            registry.bind("ingressLimit", new IngressLimit(maxEventBytes));
            registry.bind("heraldXmlMapper", events.xmlMapper());
            // The only ObjectMapper in the registry: the routes' `json` data format takes it (camel-jackson's
            // useDefaultObjectMapper), so integrators' routes parse with Herald's limits too.
            registry.bind("heraldJsonMapper", Json.MAPPER);
            registry.bind("rejectReason", new RejectReason());
            registry.bind("rejectedInput", new RejectedInput());
            registry.bind("kafkaOffsets", new KafkaOffsets());
            OrderingLanes lanes = new OrderingLanes(store.dataSource());
            Dispatcher dispatcher = new Dispatcher(subscriptions, store, lanes,
                    cfg.duration("herald.dispatch.claim-lease", Duration.ofSeconds(30)).toMillis(), tracing);
            Admission admission = new Admission(new SubscriptionHealth(store.dataSource()),
                    cfg.integer("herald.circuit.failures", 10),
                    cfg.duration("herald.circuit.probe-interval", Duration.ofMinutes(1)).toMillis(),
                    cfg.duration("herald.circuit.disable-after", Duration.ofDays(5)).toMillis(),
                    cfg.integer("herald.deliver.max-in-flight-per-subscription",
                            Math.max(1, cfg.integer("herald.deliver.consumers", 16) / 2)));
            admission.refresh();
            Duration deliverTimeout = Duration.ofMillis(cfg.longValue("herald.deliver.timeout-ms", 15_000));
            Channels channels = new Channels("Herald/0.1", cfg.integer("herald.deliver.response-excerpt-bytes", 1024),
                    deliverTimeout, targets, kafkaBrokers);
            // camel-http's client connects through this pool: the guard is its DNS resolver.
            registry.bind("heraldHttpConnections", httpConnections(guard, deliverTimeout,
                    cfg.integer("herald.deliver.max-connections", 200), cfg.integer("herald.deliver.max-connections-per-host", 20)));
            registry.bind("deliveryAttempts", new DeliveryAttempts(subscriptions, channels, lanes, metrics, admission, instanceId, tracing));

            Publisher publisher = new Publisher(pool);
            IdempotencyKeys idempotency = new IdempotencyKeys(store.dataSource());
            long idempotencyWindow = cfg.duration("herald.http.idempotency-window", Duration.ofHours(24)).toMillis();
            registry.bind("ingestApi", new IngestApi(auth, events, publisher, idempotency, metrics,
                    maxEventBytes, cfg.integer("herald.http.max-batch-bytes", 4_194_304),
                    cfg.integer("herald.http.max-batch-events", 1000), idempotencyWindow));
            AdminQueries queries = new AdminQueries(store.dataSource());
            registry.bind("adminApi", new AdminApi(auth, queries, subscriptions, new Replays(queries, subscriptions, publisher), admission,
                    new AdminApi.Rejected(pool, publisher, events, metrics, context)));
            registry.bind("heraldStatic", new StaticResources());
            registry.bind("storeReadiness", new StoreReadiness(store));
            registry.bind("brokerReadiness", new BrokerReadiness(pool));
            EmbeddedBroker embedded = broker;
            RequestGuard requestGuard = new RequestGuard(RequestGuard.hosts(cfg.optional("herald.http.allowed-hosts").orElse(null),
                    httpHost, hostname()), cfg.longValue("camel.server.max-body-size", 8_388_608));
            context.addStartupListener(new org.apache.camel.StartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext ctx, boolean alreadyStarted) {
                    // Only now does Camel's metrics service hold the registry to add them to.
                    gauges(metrics, embedded, subscriptions);
                    metrics.gauge("herald.circuits.open", "Subscriptions whose circuit is open (failing; probed, not attempted)",
                            admission::openCircuits);
                    if (embedded != null) BrokerSetup.warnUnreachableIngress(ctx, BrokerSetup.ingress(cfg));
                    OrderingWarnings.logAtStart(ctx, subscriptions.all());
                }
            });

            StoreWriter writer = new StoreWriter(pool, store, cfg.integer("herald.store.batch-size", 500),
                    cfg.duration("herald.store.flush-interval", Duration.ofMillis(50)).toMillis(),
                    cfg.integer("herald.store.writers", 1));
            DispatchConsumer dispatch = new DispatchConsumer(pool, dispatcher, cfg.integer("herald.dispatch.consumers", 4),
                    cfg.integer("herald.dispatch.batch-size", 100));
            LaneSweeper sweeper = new LaneSweeper(lanes, publisher,
                    cfg.duration("herald.ordering.sweep-after", Duration.ofMinutes(5)).toMillis());
            context.addRoutes(new HousekeepingRoutes(
                    new HousekeepingRoutes.Job("herald-subscription-state", cfg.duration("herald.subscriptions.state-refresh",
                            Duration.ofSeconds(5)), () -> {
                                subscriptions.refreshState();
                                admission.refresh();
                            }),
                    new HousekeepingRoutes.Job("herald-subscriptions-reload", cfg.duration("herald.subscriptions.reload-interval",
                            Duration.ofSeconds(2)), subscriptions::reloadIfChanged),
                    new HousekeepingRoutes.Job("herald-ordering-sweep", Duration.ofMillis(sweeper.periodMillis()), sweeper::run),
                    new HousekeepingRoutes.Job("herald-idempotency-purge", Duration.ofHours(1),
                            () -> idempotency.purge(System.currentTimeMillis(), idempotencyWindow))));
            // Camel's own endpoint summary says http://0.0.0.0 whatever the host: Herald's says where it listens.
            context.addStartupListener(new HttpSummary(
                    cfg.string("camel.server.enabled", "false").equals("true")
                            ? HttpSummary.base(cfg.string("camel.server.host", "0.0.0.0"), cfg.integer("camel.server.port", 8080)) : null,
                    cfg.string("camel.management.enabled", "false").equals("true")
                            ? HttpSummary.base(cfg.string("camel.management.host", "0.0.0.0"), cfg.integer("camel.management.port", 9876)) : null));
            // A service, so it runs after the HTTP server has started and before any route takes a request.
            if (cfg.string("camel.server.enabled", "false").equals("true")) {
                int httpPort = cfg.integer("herald.http.port", 8080);
                context.addService(new ServiceSupport() {
                    @Override
                    protected void doStart() {
                        requestGuard.install(context, httpPort);
                    }
                }, false, true);
            }
            // Stopped after the routes, in reverse order: dispatch, writer, pool, store, broker.
            context.addService(new Lifecycle(broker, pool, store, List.of(writer, dispatch)), true, true);
        } catch (Exception | Error e) {
            // Leave nothing running behind a failed start, or the JVM would not exit.
            if (broker != null) broker.stop();
            store.close();
            instance.release();
            throw e;
        }
    }

    /** Queue depths (embedded broker; an external Artemis cluster exports its own) and disabled subscriptions. */
    private static void gauges(HeraldMetrics metrics, EmbeddedBroker broker, SubscriptionRegistry subscriptions) {
        if (broker != null) {
            for (String queue : new String[] {BrokerDefaults.EVENTS, BrokerDefaults.DELIVERIES, BrokerDefaults.DEAD, BrokerDefaults.REJECTED, BrokerDefaults.LOG}) {
                metrics.gauge("herald.queue.depth", "Messages waiting on a Herald queue (scheduled retries included)", "queue", queue,
                        broker, b -> b.isStarted() ? b.messageCount(queue) : Double.NaN);
            }
        }
        metrics.gauge("herald.subscriptions.disabled", "Subscriptions disabled (410 Gone, or by an operator)", subscriptions::disabledCount);
    }

    private static PoolingHttpClientConnectionManager httpConnections(AddressGuard guard, Duration timeout, int total, int perHost) {
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(guard)
                .setMaxConnTotal(total)
                .setMaxConnPerRoute(perHost)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(timeout))
                        .setSocketTimeout(Timeout.of(timeout))
                        .build())
                .build();
    }

    private static String hostname() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown-host";
        }
    }

    private static JmsPoolConnectionFactory connectionFactory(Settings cfg, String brokerUrl, BrokerLogins.Login login) {
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(brokerUrl, login.user(), login.password());
        // Spring creates a producer per send; without this every send first asks the broker
        // whether the queue exists (a round trip inside the transaction).
        artemis.setCacheDestinations(true);
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(artemis);
        pool.setMaxConnections(cfg.integer("herald.broker.pool-connections", 4));
        return pool;
    }

    private static JmsComponent jmsComponent(JmsPoolConnectionFactory pool) {
        JmsComponent jms = new JmsComponent();
        jms.setConnectionFactory(pool);
        // Local JMS transactions on the consumer's session; producers in the same route join it,
        // so "consume + send N" commits or rolls back as one. No Camel redelivery: the broker's.
        jms.setTransacted(true);
        jms.setLazyCreateTransactionManager(false);
        jms.setCacheLevelName("CACHE_CONSUMER");
        return jms;
    }

    /** Starts the batch consumers with the context; stops them, the pool, the store and the broker after the routes. */
    private static final class Lifecycle extends ServiceSupport {
        private final EmbeddedBroker broker;
        private final JmsPoolConnectionFactory pool;
        private final Store store;
        private final List<BatchConsumer> consumers;

        Lifecycle(EmbeddedBroker broker, JmsPoolConnectionFactory pool, Store store, List<BatchConsumer> consumers) {
            this.broker = broker;
            this.pool = pool;
            this.store = store;
            this.consumers = consumers;
        }

        @Override
        protected void doStart() {
            consumers.forEach(BatchConsumer::start);
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
