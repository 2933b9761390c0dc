import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { tokensMatch } from '../auth/api-key.js';
import { PUBLIC } from '../auth/roles.js';
import { AppError } from '../errors.js';
import { readBacklogs } from '../repositories/service-health.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The instance's Prometheus registry: what /metrics shows. */
    metrics: Registry;
  }
}

/** Request durations' buckets, in seconds: a calculation is milliseconds, an export may be many seconds. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * `/metrics` in Prometheus text format: requests by operationId and status with their durations,
 * the database pool, the event feed's lag, the webhook backlog and failures, the access log's
 * queue, and the process (memory, CPU, event loop). Backlogs are counted when scraped, in one
 * query. With METRICS_TOKEN set, the scraper must send it as a bearer token; otherwise the
 * endpoint is open, for a network where only the monitoring system reaches it.
 */
export default fp(
  async function metrics(app: FastifyInstance, options: { token: string | null }) {
    const registry = new Registry();
    registry.setDefaultLabels({ service: 'ras-api' });
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
    app.decorate('metrics', registry);

    const requests = new Counter({
      name: 'ras_http_requests_total',
      help: 'Requests answered, by operationId, method and status',
      labelNames: ['operation', 'method', 'status'] as const,
      registers: [registry],
    });
    const durations = new Histogram({
      name: 'ras_http_request_duration_seconds',
      help: 'Time from a request arriving to its answer being sent, by operationId and status class',
      labelNames: ['operation', 'status_class'] as const,
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
    app.addHook('onResponse', (request, reply, done) => {
      // The operationId, never the URL: ids in paths would make a series per record.
      const operation = request.routeOptions.schema?.operationId ?? (request.routeOptions.url ? 'other' : 'not-found');
      const status = reply.statusCode;
      requests.inc({ operation, method: request.method, status });
      durations.observe({ operation, status_class: `${Math.floor(status / 100)}xx` }, reply.elapsedTime / 1_000);
      done();
    });

    new Gauge({
      name: 'ras_db_pool_connections',
      help: 'PostgreSQL pool connections by state (open, idle, waiting for one, most allowed); absent on PGlite',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const use = app.database.connections();
        if (use === null) return;
        this.set({ state: 'open' }, use.total);
        this.set({ state: 'idle' }, use.idle);
        this.set({ state: 'waiting' }, use.waiting);
        this.set({ state: 'max' }, use.max);
      },
    });
    new Gauge({
      name: 'ras_access_log_queue_depth',
      help: 'Reads of personal data waiting to be written to the access log',
      registers: [registry],
      collect() {
        this.set(app.accessLog.queued);
      },
    });
    const backlog = {
      eventsUnnumbered: new Gauge({
        name: 'ras_event_feed_unnumbered_events',
        help: 'Events committed but not yet numbered into the feed (what consumers cannot see yet)',
        registers: [registry],
      }),
      eventFeedLag: new Gauge({
        name: 'ras_event_feed_lag_seconds',
        help: 'How long the oldest event not yet in the feed has waited',
        registers: [registry],
      }),
      deliveriesPending: new Gauge({
        name: 'ras_webhook_deliveries_pending',
        help: 'Webhook deliveries waiting to be made',
        registers: [registry],
      }),
      deliveriesFailing: new Gauge({
        name: 'ras_webhook_deliveries_failing',
        help: 'Webhook deliveries waiting after at least one failed attempt',
        registers: [registry],
      }),
      webhooksPaused: new Gauge({ name: 'ras_webhooks_paused', help: 'Webhooks paused after failing too long', registers: [registry] }),
      jobsQueued: new Gauge({
        name: 'ras_jobs_queued',
        help: 'Jobs (Prefer: respond-async) waiting for an instance to run them',
        registers: [registry],
      }),
      jobsRunning: new Gauge({ name: 'ras_jobs_running', help: 'Jobs an instance is running', registers: [registry] }),
      jobQueueWait: new Gauge({
        name: 'ras_job_queue_wait_seconds',
        help: 'How long the oldest waiting job has waited: rising while the instances are busy or none is running jobs',
        registers: [registry],
      }),
    };
    const scrapeErrors = new Counter({
      name: 'ras_metrics_backlog_read_errors_total',
      help: 'Scrapes whose backlog counts could not be read from the database',
      registers: [registry],
    });

    async function readBacklogGauges(): Promise<void> {
      try {
        const counts = await readBacklogs(app.db);
        backlog.eventsUnnumbered.set(counts.eventsUnnumbered);
        backlog.eventFeedLag.set(counts.oldestUnnumberedSeconds);
        backlog.deliveriesPending.set(counts.deliveriesPending);
        backlog.deliveriesFailing.set(counts.deliveriesFailing);
        backlog.webhooksPaused.set(counts.webhooksPaused);
        backlog.jobsQueued.set(counts.jobsQueued);
        backlog.jobsRunning.set(counts.jobsRunning);
        backlog.jobQueueWait.set(counts.oldestQueuedJobSeconds);
      } catch (error) {
        // The database away is what /ready reports; the scrape still shows everything else.
        scrapeErrors.inc();
        app.log.warn({ err: error }, 'metrics: the backlogs could not be read');
      }
    }

    app.get('/metrics', { config: { access: PUBLIC, alwaysAnswered: true }, schema: { hide: true } }, async (request, reply) => {
      if (options.token !== null) {
        const presented = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
        if (presented === undefined || !tokensMatch(presented, options.token)) {
          throw new AppError('UNAUTHENTICATED', 'Send the METRICS_TOKEN as `Authorization: Bearer <token>`', {
            headers: { 'www-authenticate': 'Bearer realm="ras-metrics"' },
          });
        }
      }
      await readBacklogGauges();
      reply.header('cache-control', 'no-store');
      return reply.type(registry.contentType).send(await registry.metrics());
    });
  },
  { name: 'metrics', dependencies: ['database', 'access-log'] },
);
