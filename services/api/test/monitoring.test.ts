import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { startTracing, type Tracing } from '../src/observability/tracing.js';
import { WebhookRelay } from '../src/webhooks/relay.js';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

// Monitoring (issue 32): /metrics in Prometheus text format, OpenTelemetry traces that follow the
// caller's traceparent into the service and out on webhooks, trace ids on log lines, JSON logs only.

/** The value of one series in a Prometheus text exposition, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** A loopback HTTP receiver that keeps what it is sent. */
async function receiver() {
  const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ url: request.url ?? '', headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('/metrics', () => {
  let t: TestApp;
  let council: SetUpCouncil;
  const token = 'metrics-scraper-token-0123456789abcdef';
  beforeAll(async () => {
    t = await createTestApp({ metricsToken: token });
    council = await setUpCouncil(t);
  });
  afterAll(() => t.close());
  const scrape = async () => {
    const response = await t.call('GET', '/metrics', { key: token });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.body;
  };

  it('counts requests by operationId and status, with their durations', async () => {
    const before = sample(await scrape(), 'ras_http_requests_total', { operation: 'getCouncil', status: '200' }) ?? 0;
    for (let i = 0; i < 3; i++) await t.call('GET', '/v1/council', { key: council.keys.admin });
    await t.call('GET', '/v1/council', { key: 'ras_not_a_key' });
    const text = await scrape();
    expect(sample(text, 'ras_http_requests_total', { operation: 'getCouncil', method: 'GET', status: '200' })).toBe(before + 3);
    expect(sample(text, 'ras_http_requests_total', { operation: 'getCouncil', status: '401' })).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'ras_http_request_duration_seconds_count', { operation: 'getCouncil', status_class: '2xx' }),
    ).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'ras_http_request_duration_seconds_bucket', { operation: 'getCouncil', le: '+Inf' })).toBeGreaterThanOrEqual(3);
    // A path with an id is one series per operation, never one per record.
    expect(text).not.toMatch(/\/v1\/council/);
  });

  it('shows jobs waiting for an instance, and how long the oldest has waited', async () => {
    await t.app.jobs.stop();
    try {
      const queued = await t.call('POST', '/v1/calibrations', {
        key: council.keys.finance,
        headers: { prefer: 'respond-async' },
        body: { cases: [{ ref: 'M1', points: 10, currentAnnualPence: 100_000 }], topSlicePercent: 0 },
      });
      expect(queued.statusCode, queued.body).toBe(202);
      const text = await scrape();
      expect(sample(text, 'ras_jobs_queued')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'ras_job_queue_wait_seconds')).toBeGreaterThanOrEqual(0);
    } finally {
      t.app.jobs.start();
    }
  });

  it('shows the backlogs: event feed, webhooks, access log queue, and the pool on PostgreSQL', async () => {
    const closed = await receiver();
    await closed.close();
    const hook = await t.call('POST', '/v1/webhooks', {
      key: council.keys.admin,
      body: { url: `${closed.url}/hook`, eventTypes: ['person.created'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    await t.call('POST', '/v1/people', { key: council.keys.assessor, body: { clientGroup: 'learning-disability' } });
    const relay = new WebhookRelay(t.database.db, { allowPrivateTargets: true, baseDelayMs: 10, maxDelayMs: 20 });
    await relay.tick();
    await relay.stop();
    const text = await scrape();
    expect(sample(text, 'ras_webhook_deliveries_failing')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'ras_webhook_deliveries_pending')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'ras_event_feed_unnumbered_events')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'ras_event_feed_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'ras_webhooks_paused')).toBe(0);
    expect(sample(text, 'ras_jobs_running')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'ras_access_log_queue_depth')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    if (t.database.kind === 'postgres') expect(sample(text, 'ras_db_pool_connections', { state: 'max' })).toBe(5);
    else expect(sample(text, 'ras_db_pool_connections', { state: 'max' })).toBeUndefined();
  });

  it('asks for METRICS_TOKEN when one is set', async () => {
    expect((await t.call('GET', '/metrics')).statusCode).toBe(401);
    expect((await t.call('GET', '/metrics', { key: council.keys.admin })).statusCode).toBe(401);
  });
});

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const lines: Record<string, unknown>[] = [];
  let tracing: Tracing;
  let t: TestApp;
  let council: SetUpCouncil;
  beforeAll(async () => {
    tracing = startTracing({ spanProcessor: new SimpleSpanProcessor(exporter) });
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    t = await createTestApp({ tracing, logger: createLogger('info', destination) });
    council = await setUpCouncil(t);
  });
  afterAll(async () => {
    await t.close();
    await tracing.shutdown();
  });

  it('continues the caller’s trace (W3C traceparent) in the request’s span and its log line', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    const response = await t.call('GET', '/v1/council', {
      key: council.keys.admin,
      headers: { traceparent: `00-${traceId}-${parent}-01` },
    });
    expect(response.statusCode).toBe(200);
    const span = exporter.getFinishedSpans().find((s) => s.spanContext().traceId === traceId && s.name === 'request');
    expect(span, JSON.stringify(exporter.getFinishedSpans().map((s) => s.name))).toBeDefined();
    expect(span?.parentSpanContext?.spanId).toBe(parent);
    const line = lines.find((l) => l.msg === 'request completed' && fieldOfLine(l, 'req', 'id') === response.headers['x-request-id']);
    expect(line).toMatchObject({ trace_id: traceId, span_id: span?.spanContext().spanId });
  });

  it('sends traceparent with a webhook delivery, the delivery a span of its own', async () => {
    const target = await receiver();
    try {
      await t.call('POST', '/v1/webhooks', {
        key: council.keys.admin,
        body: { url: `${target.url}/hook`, eventTypes: ['person.created'] },
      });
      await t.call('POST', '/v1/people', { key: council.keys.assessor, body: { clientGroup: 'learning-disability' } });
      const relay = new WebhookRelay(t.database.db, { allowPrivateTargets: true });
      await relay.tick();
      await relay.stop();
      const delivered = target.received.find((r) => r.url === '/hook');
      const traceparent = String(delivered?.headers.traceparent ?? '');
      expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      const [, traceId, spanId] = traceparent.split('-');
      const span = exporter.getFinishedSpans().find((s) => s.name === 'webhook delivery' && s.spanContext().spanId === spanId);
      expect(span?.spanContext().traceId).toBe(traceId);
    } finally {
      await target.close();
    }
  });
});

function fieldOfLine(line: Record<string, unknown>, object: string, field: string): unknown {
  const value = line[object];
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
}

describe('the service as started', () => {
  it('writes JSON lines only, and exports its traces over OTLP when an endpoint is configured', async () => {
    const collector = await receiver();
    const dataDir = mkdtempSync(join(tmpdir(), 'ras-otlp-'));
    const server = fileURLToPath(new URL('../dist/server.js', import.meta.url));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [server], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start: ${out}`)), 20_000);
        child.stdout?.on('data', () => {
          const match = /listening on (http:\/\/[\d.:]+)/.exec(out);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const answer = await fetch(`${url}/version`, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
      expect(answer.status).toBe(200);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !collector.received.some((r) => r.url === '/v1/traces')) await new Promise((r) => setTimeout(r, 100));
      const exported = collector.received.filter((r) => r.url === '/v1/traces');
      expect(exported.length).toBeGreaterThan(0);
      expect(exported.map((r) => r.body).join('')).toContain(traceId);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await collector.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    const written = out.split('\n').filter(Boolean);
    expect(written.length).toBeGreaterThan(2);
    for (const line of written) expect(() => JSON.parse(line), line).not.toThrow();
    expect(written.map((line) => JSON.parse(line)).find((l) => l.msg === 'request completed')).toMatchObject({
      trace_id: '0af7651916cd43dd8448eb211c80319c',
    });
  }, 40_000);
});
