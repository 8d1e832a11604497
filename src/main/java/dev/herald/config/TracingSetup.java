package dev.herald.config;

import dev.herald.trace.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracing as the settings say: spans exported over OTLP/HTTP to herald.tracing.otlp-endpoint, or an
 * OpenTelemetry bound in the registry as {@code heraldOpenTelemetry} (an embedding application's, a
 * test's), or off — no spans, the producer's trace context passed on as it came.
 */
final class TracingSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TracingSetup.class);

    private TracingSetup() {}

    static Tracing from(Settings cfg, CamelContext context, String instanceId) throws Exception {
        OpenTelemetry bound = context.getRegistry().lookupByNameAndType("heraldOpenTelemetry", OpenTelemetry.class);
        if (bound != null) return Tracing.of(bound);
        var endpoint = cfg.optional("herald.tracing.otlp-endpoint");
        if (endpoint.isEmpty()) return Tracing.off();
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.builder()
                .put("service.name", cfg.string("herald.tracing.service-name"))
                .put("service.instance.id", instanceId).build()));
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().setResource(resource)
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(endpoint.get()).build()).build())
                .build()).build();
        // Flushes what is batched when Herald stops.
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                sdk.close();
            }
        }, true, true);
        LOG.info("Tracing: spans go over OTLP/HTTP to {}", endpoint.get());
        return Tracing.of(sdk);
    }
}
