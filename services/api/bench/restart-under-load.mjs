#!/usr/bin/env node
// The PostgreSQL server itself restarted under load (issue 6): writes keep coming; while the server
// is down the service answers 503 fast; it recovers without being restarted; every write it
// acknowledged with 201 is in the database afterwards. Restarts the server on this machine, so it is
// a script to run by hand (`npm run faults:restart`), not part of the suite, which shares the server.
//   RESTART_COMMAND overrides how the server is restarted (default: pg_ctlcluster <version> main restart).
import { exec, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TOKEN = 'restart-under-load-operator-token-0123';
const restart = process.env.RESTART_COMMAND ?? `pg_ctlcluster --skip-systemctl-redirect ${readdirSync('/etc/postgresql')[0]} main restart`;

const dbName = `ras_restart_${Date.now()}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
await admin.end();
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const dataDir = mkdtempSync(join(tmpdir(), 'ras-restart-'));
const child = spawn(process.execPath, [join(root, 'services/api/dist/server.js')], {
  env: {
    ...process.env,
    DATABASE_URL: url.toString(),
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'error',
    BOOTSTRAP_TOKEN: TOKEN,
    SEED_DEMO: 'false',
    RATE_LIMIT_PER_MINUTE: '0',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const base = await new Promise((resolve) => {
  let out = '';
  child.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /listening on (http:\/\/[\d.:]+)/.exec(out);
    if (match) resolve(match[1]);
  });
});
const council = await (
  await fetch(`${base}/v1/councils`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: '{"name":"Restart"}',
  })
).json();
const key = council.adminKey.key;

const acknowledged = [];
const outcomes = new Map();
const slow503 = [];
let running = true;
let n = 0;
async function worker() {
  while (running) {
    const started = performance.now();
    let status = 0;
    try {
      const response = await fetch(`${base}/v1/people`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientGroup: 'x', externalIds: { carefirst: `R-${n++}` } }),
      });
      status = response.status;
      if (status === 201) acknowledged.push((await response.json()).id);
      else await response.body?.cancel();
    } catch {
      status = 0;
    }
    const ms = performance.now() - started;
    if (status === 503 && ms > 3_000) slow503.push(ms);
    outcomes.set(status, (outcomes.get(status) ?? 0) + 1);
    if (status !== 201) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const workers = Array.from({ length: 10 }, worker);
await new Promise((resolve) => setTimeout(resolve, 3_000));
const before = acknowledged.length;
const restartStarted = performance.now();
// Asynchronously, so the writers keep writing while the server goes down and comes back.
await promisify(exec)(restart);
const restartSeconds = (performance.now() - restartStarted) / 1000;
const afterRestart = acknowledged.length;
await new Promise((resolve) => setTimeout(resolve, 5_000));
running = false;
await Promise.all(workers);
const ready = (await fetch(`${base}/ready`)).status;

const check = new pg.Client({ connectionString: url.toString() });
await check.connect();
const { rows } = await check.query('select id from people where council_id = $1', [council.council.id]);
await check.end();
const stored = new Set(rows.map((row) => row.id));
const missing = acknowledged.filter((id) => !stored.has(id));
child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
rmSync(dataDir, { recursive: true, force: true });
const cleanup = new pg.Client({ connectionString: adminUrl });
await cleanup.connect();
await cleanup.query(`drop database if exists ${dbName} with (force)`);
await cleanup.end();

process.stdout.write(`
PostgreSQL restarted under load (10 concurrent writers, createPerson)
  acknowledged before the restart:     ${before}
  acknowledged during the restart:     ${afterRestart - before} (restart took ${restartSeconds.toFixed(1)} s)
  acknowledged in all:                 ${acknowledged.length}
  answers by status:                   ${[...outcomes.entries()].map(([status, count]) => `${status === 0 ? 'no answer' : status}: ${count}`).join(', ')}
  503s slower than 3 s:                ${slow503.length}
  /ready after, without a restart:     ${ready}
  acknowledged writes missing after:   ${missing.length}
${missing.length === 0 && ready === 200 && !outcomes.has(500) ? 'PASS' : 'FAIL'}
`);
process.exit(missing.length === 0 && ready === 200 && !outcomes.has(500) ? 0 : 1);
