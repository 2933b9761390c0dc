#!/usr/bin/env node
// Long and short writes side by side (issue 30): `npm run bench:contention`.
//
// A scratch PostgreSQL database (POSTGRES_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/test)
// is seeded once with one council of 25,000 people and budgets (seed:scale). Each long write then
// runs twice, each time on a fresh copy of that database (CREATE DATABASE … TEMPLATE) with the
// service started on it as its own process: alone, then while ordinary writes (createPerson, 20 a
// second, open loop: sent on time whether or not the last has answered) arrive in the same
// council. It prints each long write's time alone and under load, their ratio (goal ≤ 1.5), and
// the ordinary writes' p50, p99 (goal < 250 ms) and max.
//
//   - importPeople, 100,000 rows (CSV, all or nothing)
//   - confirmPaymentRun for the month's payments (about 25,000)
//   - applyUpratingRun over 25,000 budgets
//   - runRetentionErasure of 2,000 people past their date
//
//   - on PGlite (the embedded default, a fresh demo council each time): importPeople of 100,000 rows,
//     all or nothing and best effort
//
// BENCH_PARTS picks parts (import,payments,uprating,retention,pglite); BENCH_RATE sets the ordinary writes a second.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { adminUrl, scratchDatabase } from './scratch-database.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const PARTS = new Set((process.env.BENCH_PARTS ?? 'import,payments,uprating,retention,pglite').split(','));
const RATE = Number(process.env.BENCH_RATE ?? 20);
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const RETENTION_PEOPLE = Number(process.env.BENCH_RETENTION_PEOPLE ?? 2_000);

const work = mkdtempSync(join(tmpdir(), 'ras-contention-'));
// BENCH_SEED=<database> BENCH_SEED_KEYS=<file> reuses a seed an earlier run kept (BENCH_KEEP_SEED=1).
const reused = process.env.BENCH_SEED;
const scratch = reused
  ? { url: Object.assign(new URL(adminUrl), { pathname: `/${reused}` }), drop: async () => {} }
  : await scratchDatabase('ras_contention');
const seeded = scratch.url.pathname.slice(1);
const results = [];

/** A fresh copy of the seeded database, and a way to drop it. */
async function copyOfSeed() {
  const name = `${seeded}_copy`;
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name} template ${seeded}`);
  const url = new URL(scratch.url);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin.query(`drop database if exists ${name} with (force)`) };
}

/** The service on `url`, or on PGlite in `dataDir` (seeded with the demo council) when `url` is null. */
function startService(url, dataDir = work) {
  const env = { ...process.env, PORT: '0', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '0', DATA_DIR: dataDir };
  if (url) env.DATABASE_URL = url;
  else {
    delete env.DATABASE_URL;
    env.SEED_DEMO = 'true';
  }
  const child = spawn(process.execPath, [join(root, 'services/api/dist/server.js')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) resolve({ child, base: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`the service exited with ${code}: ${output}`)));
  });
}

async function call(method, path, key, body, headers = {}) {
  const response = await fetch(`${service.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 400)}`);
  return { json: text ? JSON.parse(text) : null, headers: response.headers };
}

/** Ordinary writes, RATE a second on schedule, until stopped: each one's latency in ms. */
function ordinaryWrites(key, clientGroup) {
  const latencies = [];
  const failures = [];
  const inFlight = new Set();
  let n = 0;
  const timer = setInterval(() => {
    const started = performance.now();
    const request = call('POST', '/v1/people', key, { clientGroup, displayName: `Ordinary ${n++}` })
      .then(() => latencies.push(performance.now() - started))
      .catch((error) => failures.push(String(error).slice(0, 200)))
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  }, 1000 / RATE);
  return async () => {
    clearInterval(timer);
    await Promise.all(inFlight);
    return { latencies, failures };
  };
}

/** A people file of IMPORT_ROWS rows, their record-system ids starting with `prefix`. */
function importFile(prefix) {
  const lines = ['system,externalId,clientGroup,displayName,dateOfBirth'];
  for (let i = 0; i < IMPORT_ROWS; i++)
    lines.push(
      `carefirst,${prefix}${String(i).padStart(7, '0')},${clientGroup},Imported ${i},19${40 + (i % 50)}-0${(i % 9) + 1}-${String((i % 28) + 1).padStart(2, '0')}`,
    );
  return `${lines.join('\n')}\n`;
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

/**
 * Runs the long write on a fresh copy of the seed, alone; then on another fresh copy while the
 * ordinary writes arrive; and records the row. `prepare` runs first each time, untimed, and may
 * return what `run` needs.
 */
async function sideBySide(what, prepare, run, on = 'postgres') {
  const once = async (loaded) => {
    let copy;
    let client;
    let dataDir;
    if (on === 'postgres') {
      copy = await copyOfSeed();
      client = new pg.Client({ connectionString: copy.url });
      await client.connect();
      service = await startService(copy.url);
    } else {
      dataDir = mkdtempSync(join(tmpdir(), 'ras-contention-pglite-'));
      service = await startService(null, dataDir);
      keys = { adminKey: JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8')).adminKey.key };
    }
    try {
      const prepared = await prepare(client);
      const stopWrites = loaded ? ordinaryWrites(keys.adminKey, clientGroup) : null;
      if (loaded) await new Promise((resolve) => setTimeout(resolve, 1000)); // flowing before the long write starts
      const started = performance.now();
      const note = await run(prepared);
      const ms = performance.now() - started;
      return { ms, note, ...(stopWrites ? await stopWrites() : {}) };
    } finally {
      await stopService();
      await client?.end();
      await copy?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  };
  const alone = await once(false);
  const loaded = await once(true);
  const { latencies, failures } = loaded;
  const result = {
    what: `${what}, ${alone.note}`,
    aloneS: alone.ms / 1000,
    loadedS: loaded.ms / 1000,
    ratio: loaded.ms / alone.ms,
    writes: latencies.length,
    failures: failures.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
  };
  results.push(result);
  console.log(
    `${result.what}: alone ${result.aloneS.toFixed(2)} s, with ${RATE} writes/s ${result.loadedS.toFixed(2)} s (×${result.ratio.toFixed(2)}, goal ≤ 1.5: ${result.ratio <= 1.5 ? 'met' : 'not met'}); ordinary writes ${result.writes} (${result.failures} failed) p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms (goal < 250: ${result.p99 < 250 ? 'met' : 'not met'}), max ${result.max.toFixed(0)} ms`,
  );
  if (failures.length > 0) console.log(`  first failure: ${failures[0]}`);
}

async function stopService() {
  if (!service) return;
  const { child } = service;
  service = undefined;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

let service;
let keys;
let clientGroup;
// On the server's admin database: the seeded one must have no connections to be copied.
const admin = new pg.Client({ connectionString: adminUrl });
const keysFile =
  process.env.BENCH_SEED_KEYS ?? (process.env.BENCH_KEEP_SEED ? join(tmpdir(), `${seeded}-keys.json`) : join(work, 'scale-keys.json'));
const onPostgres = ['import', 'payments', 'uprating', 'retention'].some((part) => PARTS.has(part));
try {
  if (onPostgres && !reused) {
    console.log(`seeding ${seeded} (one council, 25,000 people) …`);
    execFileSync(
      process.execPath,
      [
        join(root, 'services/api/dist/seed-scale.js'),
        ...['--councils', '1', '--people', '25000', '--largest', '25000', '--pending-plans', '0', '--keys', keysFile],
      ],
      { env: { ...process.env, DATABASE_URL: scratch.url.toString() }, stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
  await admin.connect();
  if (onPostgres) {
    keys = JSON.parse(readFileSync(keysFile, 'utf8')).councils[0];
    const seedClient = new pg.Client({ connectionString: scratch.url.toString() });
    await seedClient.connect();
    const { rows } = await seedClient.query('select client_groups from allocation_schemes where council_id = $1', [keys.id]);
    await seedClient.end();
    clientGroup = rows[0].client_groups[0];
  }

  if (PARTS.has('import')) {
    await sideBySide(
      'importPeople',
      () => null,
      async () => {
        const report = (await call('POST', '/v1/imports/people?mode=all-or-nothing', keys.adminKey, importFile('CF'))).json;
        if (report.created !== IMPORT_ROWS) throw new Error(`import created ${report.created}`);
        return `${IMPORT_ROWS.toLocaleString('en-GB')} rows (CSV, all or nothing)`;
      },
    );
  }

  if (PARTS.has('payments')) {
    // This month's instalments (seed:scale dates them on the 1st), in a run at the month's end:
    // prepared untimed, then confirmed.
    const today = new Date();
    const runDate = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    await sideBySide(
      'confirmPaymentRun',
      async () => (await call('POST', '/v1/payment-runs', keys.financeKey, { runDate })).json,
      async (run) => {
        await call('POST', `/v1/payment-runs/${run.id}/confirm`, keys.financeKey);
        return `${run.payments.toLocaleString('en-GB')} payments`;
      },
    );
  }

  if (PARTS.has('uprating')) {
    // A next version of the scheme and its uprating run (a dry run), untimed; then applied.
    await sideBySide(
      'applyUpratingRun',
      async () => {
        const scheme = (await call('GET', '/v1/allocation-schemes', keys.adminKey)).json.items[0];
        const next = (
          await call('POST', '/v1/allocation-schemes', keys.adminKey, {
            key: scheme.key,
            questionnaireId: scheme.questionnaireId,
            clientGroups: scheme.clientGroups,
            effectiveFrom: '2027-04-01',
            method: { type: 'linear', poundsPerPointPence: scheme.method.poundsPerPointPence + 700 },
            floorPoints: scheme.floorPoints,
            ceilingPence: scheme.ceilingPence,
            clawback: scheme.clawback,
          })
        ).json;
        return (await call('POST', '/v1/uprating-runs', keys.financeKey, { schemeId: scheme.id, successorSchemeId: next.id })).json;
      },
      async (run) => {
        const applied = (await call('POST', `/v1/uprating-runs/${run.id}/apply`, keys.financeKey)).json;
        return `${applied.summary.overall.people.toLocaleString('en-GB')} budgets`;
      },
    );
  }

  if (PARTS.has('retention')) {
    await sideBySide(
      'runRetentionErasure',
      async (client) => {
        // A retention policy, and RETENTION_PEOPLE people with nothing on record since 2015:
        // imported, then backdated here, as a record system's history would be.
        const council = (await call('GET', '/v1/council', keys.adminKey)).json;
        await call(
          'PATCH',
          '/v1/council',
          keys.adminKey,
          {
            settings: {
              ...council.settings,
              dataProtection: {
                ...council.settings?.dataProtection,
                retention: { personRecordYears: 6, auditRecordYears: 7, statutoryMinimumYears: 6 },
              },
            },
          },
          { 'if-match': `"${council.version}"` },
        );
        const lines = ['system,externalId,clientGroup,displayName'];
        for (let i = 0; i < RETENTION_PEOPLE; i++) lines.push(`carefirst,OLD${i},${clientGroup},Long gone ${i}`);
        await call('POST', '/v1/imports/people?mode=all-or-nothing', keys.adminKey, `${lines.join('\n')}\n`);
        await client.query(`update people set created_at = '2015-01-01', updated_at = '2015-01-01' where display_name like 'Long gone %'`);
        return null;
      },
      async () => {
        const run = (await call('POST', '/v1/erasure-runs', keys.adminKey, { dryRun: false })).json;
        return `${run.erased.length.toLocaleString('en-GB')} people erased`;
      },
    );
  }

  if (PARTS.has('pglite')) {
    // PGlite has one connection: every request that reads or writes waits for the transaction in
    // progress. An all-or-nothing import is one transaction by its contract; a best-effort one
    // commits a slice of 5,000 rows at a time, so the others wait one slice at most.
    const seededKeys = keys;
    clientGroup = 'older-people';
    for (const mode of ['all-or-nothing', 'best-effort'])
      await sideBySide(
        `PGlite: importPeople ${mode}`,
        () => null,
        async () => {
          const report = (await call('POST', `/v1/imports/people?mode=${mode}`, keys.adminKey, importFile('PG'))).json;
          if (report.created !== IMPORT_ROWS) throw new Error(`import created ${report.created}`);
          return `${IMPORT_ROWS.toLocaleString('en-GB')} rows`;
        },
        'pglite',
      );
    keys = seededKeys;
  }
} finally {
  await stopService();
  await admin.end().catch(() => {});
  if (process.env.BENCH_KEEP_SEED && !reused)
    console.log(`kept the seed: BENCH_SEED=${seeded} BENCH_SEED_KEYS=${keysFile} (drop it when done)`);
  else await scratch.drop();
  rmSync(work, { recursive: true, force: true });
}

console.log('\n| long write | alone | with 20 writes/s | ratio (≤ 1.5) | ordinary writes p50 / p99 (< 250 ms) / max |');
console.log('|---|---|---|---|---|');
for (const r of results)
  console.log(
    `| ${r.what} | ${r.aloneS.toFixed(2)} s | ${r.loadedS.toFixed(2)} s | ${r.ratio.toFixed(2)} ${r.ratio <= 1.5 ? '(met)' : '(**not met**)'} | ${r.p50.toFixed(0)} / ${r.p99.toFixed(0)} ${r.p99 < 250 ? '(met)' : '(**not met**)'} / ${r.max.toFixed(0)} ms (${r.writes} writes${r.failures ? `, ${r.failures} failed` : ''}) |`,
  );
