#!/usr/bin/env node
// Long work as jobs (issue 33): the same import of ROWS people, answered in the request (200) and
// run as a job (Prefer: respond-async, 202, polled every POLL_MS until it has ended, and timed from
// the request to its finishedAt), each on a service of its own over a fresh database, in ROUNDS
// pairs, each way first in turn. Prints each way's time (min/median/max), the job's overhead per
// pair (target under 5%), and the longest gap between two progress updates a poller saw (target
// at most 2 s). Run with `npm run bench:jobs` (builds first): on embedded PGlite, or with
// DATABASE_URL set on scratch databases of the PostgreSQL server at POSTGRES_ADMIN_URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../dist/app.js';
import { openDatabase } from '../dist/db/database.js';
import { migrateToLatest } from '../dist/db/migrate.js';
import { caller } from './inject.mjs';
import { scratchDatabase } from './scratch-database.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 500);
const TOKEN = 'bench-operator-token-0123456789abcdef';
const url = process.env.DATABASE_URL;
const sorted = (values) => [...values].sort((a, b) => a - b);
const median = (values) => sorted(values)[Math.floor(values.length / 2)];
const spread = (values, unit = 'ms', digits = 0) =>
  `${sorted(values)[0].toFixed(digits)} / ${median(values).toFixed(digits)} / ${sorted(values).at(-1).toFixed(digits)} ${unit}`;

/**
 * A service of its own for one measurement, on a fresh database (a new PGlite data directory from
 * the migrated template, or a scratch PostgreSQL database): each import starts from the same
 * state, so neither way runs on tables the other has grown.
 */
async function freshService() {
  const dataDir = mkdtempSync(join(tmpdir(), 'ras-jobs-bench-'));
  const scratch = url ? await scratchDatabase('ras_jobs_bench') : null;
  const database = await openDatabase(
    scratch ? { kind: 'postgres', url: scratch.url.toString(), poolSize: 5 } : { kind: 'pglite', dataDir },
  );
  await migrateToLatest(database.db);
  const app = await buildApp({
    database,
    config: { bootstrapToken: TOKEN, rateLimitPerMinute: 0, failedAuthPerMinute: 0, allowPrivateWebhooks: false },
    logger: false,
  });
  await app.ready();
  const call = caller(app);
  const admin = (await (await call('POST', '/v1/councils', TOKEN, { name: 'Jobs bench' })).json()).adminKey.key;
  return {
    app,
    call,
    admin,
    async close() {
      await app.close();
      await database.close();
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const file = (prefix) =>
  [
    'system,externalId,clientGroup,displayName,dateOfBirth',
    ...Array.from({ length: ROWS }, (_, i) => `carefirst,${prefix}-${i},older-people,Person ${i},1950-01-01`),
  ].join('\n');
const post = (service, body, headers = {}) =>
  service.app.inject({
    method: 'POST',
    url: '/v1/imports/people?mode=best-effort',
    headers: { authorization: `Bearer ${service.admin}`, 'content-type': 'text/csv', ...headers },
    payload: body,
  });

const direct = [];
const asJob = [];
const overhead = [];
const gaps = [];
/** The import answered in the request: its wall time. */
async function inTheRequest(prefix) {
  const service = await freshService();
  const started = performance.now();
  const answered = await post(service, file(prefix));
  const took = performance.now() - started;
  await service.close();
  if (answered.statusCode !== 200 || answered.json().created !== ROWS)
    throw new Error(`import: ${answered.statusCode} ${answered.body.slice(0, 300)}`);
  return took;
}

/** The import as a job: from the request to its finishedAt, and the longest a poller waited for progress. */
async function asAJob(prefix) {
  const service = await freshService();
  // Timed to the job's finishedAt (the same wall clock), so how often the client polls does not round it up.
  const startedAt = Date.now();
  const accepted = await post(service, file(prefix), { prefer: 'respond-async' });
  if (accepted.statusCode !== 202) throw new Error(`import job: ${accepted.statusCode} ${accepted.body.slice(0, 300)}`);
  const updates = [];
  let job;
  for (;;) {
    job = (await service.call('GET', accepted.headers.location, service.admin)).json();
    if (job.progress.updatedAt && updates.at(-1) !== job.progress.updatedAt) updates.push(job.progress.updatedAt);
    if (job.status !== 'queued' && job.status !== 'running') break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await service.close();
  if (job.status !== 'succeeded' || job.result.created !== ROWS)
    throw new Error(`import job ended ${job.status}: ${JSON.stringify(job.problem ?? job.result).slice(0, 300)}`);
  // From the start, between the updates a poller saw, to the end.
  const marks = [Date.parse(job.startedAt), ...updates.map(Date.parse), Date.parse(job.finishedAt)];
  if (process.env.BENCH_PHASES)
    process.stderr.write(
      `queued ${Date.parse(job.createdAt) - startedAt} ms, waited ${Date.parse(job.startedAt) - Date.parse(job.createdAt)} ms, ran ${Date.parse(job.finishedAt) - Date.parse(job.startedAt)} ms\n`,
    );
  return {
    took: Date.parse(job.finishedAt) - startedAt,
    gap: Math.max(...marks.slice(1).map((mark, i) => mark - marks[i])),
    updates: updates.length,
  };
}

for (let round = 0; round < ROUNDS; round++) {
  // Each on a fresh database, and each way first in turn (the machine warms up as it goes).
  let sync;
  let job;
  if (round % 2 === 0) {
    sync = await inTheRequest(`S${round}`);
    job = await asAJob(`J${round}`);
  } else {
    job = await asAJob(`J${round}`);
    sync = await inTheRequest(`S${round}`);
  }
  direct.push(sync);
  asJob.push(job.took);
  overhead.push(((job.took - sync) / sync) * 100);
  gaps.push(job.gap);
  process.stdout.write(
    `round ${round + 1} (${round % 2 === 0 ? 'request first' : 'job first'}): in the request ${sync.toFixed(0)} ms, as a job ${job.took.toFixed(0)} ms (${overhead.at(-1).toFixed(1)}%), ${job.updates} progress updates seen\n`,
  );
}

process.stdout.write(
  `\nimport of ${ROWS.toLocaleString('en-GB')} people on ${url ? 'PostgreSQL' : 'PGlite'}, ${ROUNDS} alternating pairs (min / median / max):\n`,
);
process.stdout.write(`  in the request (200):        ${spread(direct)}\n`);
process.stdout.write(`  as a job (202, polled ${POLL_MS} ms): ${spread(asJob)}\n`);
process.stdout.write(`  job overhead per pair:       ${spread(overhead, '%', 1)} (target under 5%)\n`);
process.stdout.write(`  longest wait for progress:   ${spread(gaps)} (target at most 2,000 ms)\n`);
