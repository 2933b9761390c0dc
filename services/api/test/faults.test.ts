import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { type Database, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { agreedPerson, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { PLAN } from './helpers/plan.js';
import { CuttableProxy } from './helpers/tcp-proxy.js';
import { BOOTSTRAP_TOKEN, createTestApp, type TestApp } from './helpers/test-app.js';

const DATABASE_URL = process.env.DATABASE_URL;
const onPostgres = describe.skipIf(!DATABASE_URL);
const root = fileURLToPath(new URL('../../../', import.meta.url));

/** A second service instance on the same database: its own pool, its own caches. */
async function secondInstance(url: string): Promise<{ app: FastifyInstance; database: Database }> {
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 5 });
  const app = await buildApp({ database, config: { bootstrapToken: BOOTSTRAP_TOKEN, allowPrivateWebhooks: true } });
  await app.ready();
  return { app, database };
}

onPostgres('two service instances on one database', () => {
  let t: TestApp;
  let other: { app: FastifyInstance; database: Database };
  let council: SetUpCouncil;

  beforeAll(async () => {
    t = await createTestApp();
    other = await secondInstance(DATABASE_URL as string);
    council = await setUpCouncil(t);
  });
  afterAll(async () => {
    await other.app.close();
    await other.database.close();
    await t.close();
  });

  const onOther = (method: string, url: string, key: string, body?: unknown, headers: Record<string, string> = {}) =>
    other.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });

  it('keeps an Idempotency-Key across instances: one person, one answer', async () => {
    const body = { clientGroup: 'older-people', externalIds: { carefirst: `X-${Date.now()}` } };
    const headers = { 'idempotency-key': `two-instances-${Date.now()}` };
    const [a, b] = await Promise.all([
      t.call('POST', '/v1/people', { key: council.keys.admin, body, headers }),
      onOther('POST', '/v1/people', council.keys.admin, body, headers),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).toBe(b.json().id);
  });

  it('lets exactly one of two instances approve a plan at panel with the same ETag', async () => {
    const { assessmentId } = await agreedPerson(t, council);
    const budget = (
      await t.call('POST', '/v1/budgets', { key: council.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } })
    ).json();
    const plan = await t.call('POST', '/v1/support-plans', { key: council.keys.assessor, body: { budgetId: budget.id, ...PLAN } });
    const url = `/v1/support-plans/${plan.json().id}`;
    let last = await t.call('POST', `${url}/submit`, { key: council.keys.assessor, headers: { 'if-match': plan.headers.etag as string } });
    for (const [stage, key] of [
      ['coordinator', council.keys.assessor],
      ['team-manager', council.keys.teamManager],
    ] as const) {
      last = await t.call('POST', `${url}/decisions`, {
        key,
        headers: { 'if-match': last.headers.etag as string },
        body: { stage, outcome: 'approve', reasons: 'ok' },
      });
    }
    const decision = {
      stage: 'panel',
      outcome: 'approve',
      reasons: 'ok',
      startDate: '2026-05-01',
      checklistReasons: { 'financial-assessment-done': 'Financial assessment booked; no contribution until then' },
    };
    const [a, b] = await Promise.all([
      t.call('POST', `${url}/decisions`, { key: council.keys.panel, headers: { 'if-match': last.headers.etag as string }, body: decision }),
      onOther('POST', `${url}/decisions`, council.keys.panel, decision, { 'if-match': last.headers.etag as string }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 412]);
    const agreements = await t.database.db.selectFrom('payment_agreements').select('id').where('budget_id', '=', budget.id).execute();
    expect(agreements).toHaveLength(1);
  });
});

onPostgres('the database going away', () => {
  it('answers 503 fast while it is down, recovers without a restart, and keeps every acknowledged write', async () => {
    const target = new URL(DATABASE_URL as string);
    const proxy = new CuttableProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const port = await proxy.listen();
    const viaProxy = new URL(target.toString());
    viaProxy.port = String(port);
    const database = await openDatabase({ kind: 'postgres', url: viaProxy.toString(), poolSize: 4 });
    await migrateToLatest(database.db);
    const app = await buildApp({ database, config: { bootstrapToken: BOOTSTRAP_TOKEN } });
    try {
      const council = (
        await app.inject({
          method: 'POST',
          url: '/v1/councils',
          headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}` },
          payload: { name: 'Flaky' },
        })
      ).json();
      const key = council.adminKey.key as string;
      const create = (i: number) =>
        app.inject({
          method: 'POST',
          url: '/v1/people',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          payload: { clientGroup: 'x', externalIds: { carefirst: `P-${i}` } },
        });
      const acknowledged: string[] = [];
      const statuses: number[] = [];
      let i = 0;
      const round = async (count: number) => {
        const responses = await Promise.all(Array.from({ length: count }, () => create(i++)));
        for (const response of responses) {
          statuses.push(response.statusCode);
          if (response.statusCode === 201) acknowledged.push(response.json().id);
        }
        return responses;
      };
      await round(20);
      proxy.cut();
      const started = performance.now();
      const during = await round(10);
      const elapsed = performance.now() - started;
      expect(during.every((response) => response.statusCode === 503)).toBe(true);
      expect(during[0]?.headers['retry-after']).toBeDefined();
      expect(elapsed).toBeLessThan(10_000);
      expect((await app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(503);
      proxy.restore();
      let recovered = false;
      for (let attempt = 0; attempt < 50 && !recovered; attempt++) {
        recovered = (await app.inject({ method: 'GET', url: '/ready' })).statusCode === 200;
        if (!recovered) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(recovered).toBe(true);
      await round(20);
      expect(statuses.filter((status) => status !== 201 && status !== 503)).toEqual([]);
      const stored = await database.db.selectFrom('people').select('id').where('council_id', '=', council.council.id).execute();
      const ids = new Set(stored.map((row) => row.id));
      expect(acknowledged.length).toBeGreaterThanOrEqual(40);
      for (const id of acknowledged) expect(ids.has(id)).toBe(true);
    } finally {
      await app.close();
      await database.close();
      await proxy.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes the requests in flight on SIGTERM, then exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ras-shutdown-'));
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      BOOTSTRAP_TOKEN,
      SEED_DEMO: 'false',
    };
    if (!DATABASE_URL) delete env.DATABASE_URL;
    const child = spawn(process.execPath, [join(root, 'services/api/dist/server.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          const match = /listening on (http:\/\/[\d.:]+)/.exec(out);
          if (match) resolve(match[1] as string);
        });
        child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
      });
      // A process just started on a loaded machine may shed its first requests (503, Retry-After):
      // the council is made once it takes them; what this test watches is the shutdown.
      let council = new Response(null, { status: 503 });
      for (let attempt = 0; attempt < 20 && council.status === 503; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 250));
        council = await fetch(`${url}/v1/councils`, {
          method: 'POST',
          headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'content-type': 'application/json' },
          body: '{"name":"Shutdown"}',
        });
      }
      expect(council.status, await council.clone().text()).toBe(201);
      const key = ((await council.clone().json()) as { adminKey: { key: string } }).adminKey.key;
      const councilId = ((await council.clone().json()) as { council: { id: string } }).council.id;
      let signalledAt = Number.POSITIVE_INFINITY;
      const inFlight = Array.from({ length: 30 }, (_, n) =>
        fetch(`${url}/v1/people`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ clientGroup: `g${n}` }),
        }).then(
          (response) => ({ status: response.status, afterSignal: performance.now() > signalledAt }),
          () => ({ status: 0, afterSignal: true }),
        ),
      );
      // Signal as soon as the server is answering the batch, with the rest still in flight.
      await Promise.race(inFlight);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      signalledAt = performance.now();
      child.kill('SIGTERM');
      const results = await Promise.all(inFlight);
      expect(await exited).toBe(0);
      // Requests the server had accepted complete (some after the signal); later ones are refused
      // (503, or the connection is not accepted); none is cut off half-way: every 201 is stored,
      // and nothing else is.
      const created = results.filter((result) => result.status === 201);
      expect(created.some((result) => result.afterSignal)).toBe(true);
      expect(results.filter((result) => ![201, 503, 0].includes(result.status))).toEqual([]);
      const database = await openDatabase(DATABASE_URL ? { kind: 'postgres', url: DATABASE_URL } : { kind: 'pglite', dataDir });
      try {
        const stored = await database.db.selectFrom('people').select('id').where('council_id', '=', councilId).execute();
        expect(stored).toHaveLength(created.length);
      } finally {
        await database.close();
      }
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
