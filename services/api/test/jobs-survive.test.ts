import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { freshPostgresDatabase, type ServiceProcess, startServiceProcess } from './helpers/service-process.js';
import { BOOTSTRAP_TOKEN } from './helpers/test-app.js';

// A job survives its instance: kill -9 mid-import, start the service again, and the job carries on
// from the last slice it committed, to the end, with every person written once (issue 33). On
// PGlite the new process takes the job up at once (the database is its alone); on PostgreSQL
// after the dead instance's lease (JOB_LEASE_SECONDS=3 here).

const DATABASE_URL = process.env.DATABASE_URL;
const ROWS = 40_000;

let dataDir: string;
let database: { url: string; drop: () => Promise<void> } | null = null;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ras-kill-'));
  if (DATABASE_URL) database = await freshPostgresDatabase(DATABASE_URL, 'ras_kill');
});
afterAll(async () => {
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const start = () =>
  startServiceProcess({
    DATA_DIR: dataDir,
    BOOTSTRAP_TOKEN,
    SEED_DEMO: 'false',
    JOB_LEASE_SECONDS: '3',
    ...(database ? { DATABASE_URL: database.url } : {}),
  });

const call = (service: ServiceProcess, key: string, path: string, init: RequestInit = {}) =>
  fetch(`${service.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...init.headers } });

describe(`a job killed mid-way (${DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('is taken up again after kill -9 and ends once, every row written once', { timeout: 240_000 }, async () => {
    const first = await start();
    let second: ServiceProcess | null = null;
    try {
      const created = await call(first, BOOTSTRAP_TOKEN, '/v1/councils', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Killed mid-job' }),
      });
      const { council, adminKey } = (await created.json()) as { council: { id: string }; adminKey: { key: string } };
      const file = [
        'system,externalId,clientGroup,displayName,dateOfBirth',
        ...Array.from({ length: ROWS }, (_, i) => `carefirst,K${i},older-people,Person ${i},1941-03-04`),
      ].join('\n');
      const accepted = await call(first, adminKey.key, '/v1/imports/people', {
        method: 'POST',
        headers: { 'content-type': 'text/csv', prefer: 'respond-async' },
        body: file,
      });
      expect(accepted.status).toBe(202);
      const location = accepted.headers.get('location') as string;

      // Killed once a few slices are in, with more to come.
      let before: { status: string; progress: { done: number } } = { status: 'queued', progress: { done: 0 } };
      for (let i = 0; i < 2_000 && before.progress.done < 3_000; i++) {
        before = await (await call(first, adminKey.key, location)).json();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(before.status).toBe('running');
      expect(before.progress.done).toBeLessThan(ROWS);
      await first.kill();

      second = await start();
      let job: { status: string; attempts: number; progress: { done: number; total: number }; result: Record<string, unknown> } | null =
        null;
      for (let i = 0; i < 1_200; i++) {
        job = await (await call(second, adminKey.key, location)).json();
        if (job && !['queued', 'running'].includes(job.status)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(job).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        progress: { done: ROWS, total: ROWS },
        result: { total: ROWS, created: ROWS, updated: 0, unchanged: 0, failed: 0 },
      });
      await second.stop();
      second = null;

      // Nothing half-written and nothing twice: each person once, with one audit row and one event.
      const opened = await openDatabase(database ? { kind: 'postgres', url: database.url } : { kind: 'pglite', dataDir });
      try {
        const count = async (table: 'people' | 'audit_log' | 'events', action?: string) => {
          let query = opened.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('council_id', '=', council.id);
          if (action && table === 'audit_log') query = query.where('action', '=', action);
          if (action && table === 'events') query = query.where('type', '=', action);
          return Number((await query.executeTakeFirstOrThrow()).n);
        };
        expect(await count('people')).toBe(ROWS);
        expect(await count('audit_log', 'person.created')).toBe(ROWS);
        expect(await count('events', 'person.created')).toBe(ROWS);
        expect(await count('events', 'job.succeeded')).toBe(1);
      } finally {
        await opened.close();
      }
    } finally {
      await first.kill().catch(() => {});
      await second?.kill().catch(() => {});
    }
  });
});
