import { FastifyOtelInstrumentation } from '@fastify/otel';
import { isSpanContextValid } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { SERVICE_VERSION } from '../version.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's trace and span, kept as its span begins, for its completion log line. */
    traceId: string | null;
    spanId: string | null;
  }
}

/** Tracing, when switched on: the instrumentation to register on the app, and how to flush at shutdown. */
export interface Tracing {
  readonly instrumentation: FastifyOtelInstrumentation;
  /** Sends the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts OpenTelemetry tracing: a tracer provider registered for the process (W3C trace context
 * propagation, async context), spans batched and exported over OTLP/HTTP to the collector the
 * standard OTEL_EXPORTER_OTLP_* variables name, and the Fastify instrumentation that makes a span
 * of each request, child of the caller's `traceparent`. Off unless configured: the request path
 * then carries no instrumentation at all. A test hands in its own span processor.
 */
export function startTracing(options: { readonly spanProcessor?: SpanProcessor } = {}): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'ras-api', 'service.version': SERVICE_VERSION }),
    spanProcessors: [options.spanProcessor ?? new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  const instrumentation = new FastifyOtelInstrumentation({
    registerOnInitialization: false,
    // A span for the request and one for its handler: a span for each of the service's hooks
    // (authentication, rate limit, access log and a dozen more) halved throughput for detail
    // nobody reads (BENCHMARKS.md, issue 32).
    instrumentHooks: false,
    instrumentHandler: true,
    // Probes and scrapes every few seconds from every instance would bury the requests people make.
    ignorePaths: ({ url }) => url === '/health' || url === '/ready' || url === '/metrics',
  });
  instrumentation.setTracerProvider(provider);
  return { instrumentation, shutdown: () => provider.shutdown() };
}

/** Every request a span (a child of the caller's traceparent), its ids kept on the request. */
export const requestSpans = fp(
  async function requestSpans(app: FastifyInstance, options: { tracing: Tracing }) {
    await app.register(options.tracing.instrumentation.plugin());
    app.decorateRequest('traceId', null);
    app.decorateRequest('spanId', null);
    app.addHook('onRequest', (request, _reply, done) => {
      const spanContext = request.opentelemetry().span?.spanContext();
      if (spanContext && isSpanContextValid(spanContext)) {
        request.traceId = spanContext.traceId;
        request.spanId = spanContext.spanId;
      }
      done();
    });
  },
  { name: 'request-spans' },
);
