#!/usr/bin/env node
// `npm run replica:check`: proves DATABASE_REPLICA_URL with a real streaming replica.
//
// 1. Starts a throwaway PostgreSQL primary from this machine's binaries (initdb, port 5434, a
//    temporary directory) that allows replication connections. The shared server on 5432 is not
//    touched: its pg_hba.conf has no replication entry, and changing it is the DBA's decision.
// 2. Seeds it with seed:scale (3 councils, 6,000 people), then builds a replica with
//    `pg_basebackup -R -X stream` and starts it on port 5435 as a hot standby.
// 3. Starts the service with DATABASE_URL on the primary and DATABASE_REPLICA_URL on the replica,
//    runs the summary report and the budget and transaction exports through it, and compares
//    each server's table statistics: the reports' reads land on the replica, not the primary.
// 4. Stops the replica and runs the report again at once: the read fails there and the primary
//    answers it (the fall-back).
//
// Needs PostgreSQL's server binaries (pg_config --bindir). As root, the servers run as `postgres`.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PRIMARY_PORT = Number(process.env.REPLICA_CHECK_PRIMARY_PORT ?? 5434);
const REPLICA_PORT = Number(process.env.REPLICA_CHECK_REPLICA_PORT ?? 5435);
const SERVICE_PORT = Number(process.env.REPLICA_CHECK_SERVICE_PORT ?? 3098);
const bin = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
const asRoot = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'ras-replica-'));
if (asRoot) {
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dir, id('-u'), id('-g'));
}
/** Runs a PostgreSQL program, as `postgres` when we are root (the server refuses root). */
function pgRun(program, args) {
  const command = asRoot ? 'runuser' : join(bin, program);
  const argv = asRoot ? ['-u', 'postgres', '--', join(bin, program), ...args] : args;
  return execFileSync(command, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
const started = performance.now();
const lap = (what) => console.log(`${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s  ${what}`);
const primaryUrl = `postgres://postgres@127.0.0.1:${PRIMARY_PORT}/ras`;
const replicaUrl = `postgres://postgres@127.0.0.1:${REPLICA_PORT}/ras`;
const primaryDir = join(dir, 'primary');
const replicaDir = join(dir, 'replica');
let service = null;

async function stats(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(`
    select coalesce(sum(seq_scan), 0)::bigint as seq_scans, coalesce(sum(seq_tup_read), 0)::bigint as rows_scanned,
           coalesce(sum(idx_scan), 0)::bigint as index_scans, coalesce(sum(idx_tup_fetch), 0)::bigint as rows_fetched
      from pg_stat_user_tables where relname in ('budgets', 'budget_transactions', 'reviews', 'people', 'assessments', 'support_plans')`);
  await client.end();
  return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, Number(v)]));
}
const difference = (after, before) => Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]]));

try {
  pgRun('initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '--no-sync']);
  execFileSync('sh', ['-c', `echo 'host replication all 127.0.0.1/32 trust' >> ${primaryDir}/pg_hba.conf`]);
  const serverOptions = (port) => `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  pgRun('pg_ctl', ['-D', primaryDir, '-o', serverOptions(PRIMARY_PORT), '-l', join(dir, 'primary.log'), '-w', 'start']);
  pgRun('createdb', ['-h', '127.0.0.1', '-p', String(PRIMARY_PORT), '-U', 'postgres', 'ras']);
  lap(`primary running on port ${PRIMARY_PORT}`);
  const keysFile = join(dir, 'keys.json');
  execFileSync(
    process.execPath,
    [
      'services/api/dist/seed-scale.js',
      '--councils',
      '3',
      '--people',
      '6000',
      '--largest',
      '3000',
      '--pending-plans',
      '0',
      '--keys',
      keysFile,
    ],
    { env: { ...process.env, DATABASE_URL: primaryUrl }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  lap('seeded: 3 councils, 6,000 people (seed:scale)');
  pgRun('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(PRIMARY_PORT),
    '-U',
    'postgres',
    '-D',
    replicaDir,
    '-R',
    '-X',
    'stream',
    '--checkpoint=fast',
  ]);
  pgRun('pg_ctl', ['-D', replicaDir, '-o', serverOptions(REPLICA_PORT), '-l', join(dir, 'replica.log'), '-w', 'start']);
  lap(`replica built with pg_basebackup and streaming on port ${REPLICA_PORT}`);

  const keys = JSON.parse(execFileSync('cat', [keysFile], { encoding: 'utf8' }));
  const council = keys.councils[0];
  service = spawn(process.execPath, ['services/api/dist/server.js'], {
    env: {
      ...process.env,
      DATABASE_URL: primaryUrl,
      DATABASE_REPLICA_URL: replicaUrl,
      PORT: String(SERVICE_PORT),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${SERVICE_PORT}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    if (i > 100) throw new Error('the service did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const get = async (path) => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${council.adminKey}` } });
    const body = await response.text();
    if (!response.ok) throw new Error(`${path}: ${response.status} ${body.slice(0, 300)}`);
    return body;
  };
  const heavyReads = async () => {
    for (let i = 0; i < 5; i++) await get('/v1/reports/summary');
    for (let i = 0; i < 3; i++) await get('/v1/exports/budgets?format=ndjson');
    await get('/v1/exports/transactions?format=ndjson');
  };
  // The first report checks the replica's health; let the service settle before counting.
  await get('/v1/reports/summary');
  const [primaryBefore, replicaBefore] = await Promise.all([stats(primaryUrl), stats(replicaUrl)]);
  await heavyReads();
  await new Promise((resolve) => setTimeout(resolve, 600)); // statistics are flushed about every 500 ms
  const [primaryAfter, replicaAfter] = await Promise.all([stats(primaryUrl), stats(replicaUrl)]);
  lap('5 summary reports, 3 budget exports and a transaction export through the service, with the replica up:');
  console.table({ primary: difference(primaryAfter, primaryBefore), replica: difference(replicaAfter, replicaBefore) });
  const onReplica = difference(replicaAfter, replicaBefore);
  const onPrimary = difference(primaryAfter, primaryBefore);
  // Scans of the tables the reports read (an index-only scan fetches no rows, so scans are counted).
  const scans = (d) => d.seq_scans + d.index_scans;
  const replicaTook = scans(onReplica);
  const primaryTook = scans(onPrimary);
  console.log(`table scans for the reports and exports: replica ${replicaTook}, primary ${primaryTook}`);

  // Stopped under the router's feet: the next report fails on the replica and is read again from
  // the primary at once, without waiting for the router's next 5-second look.
  pgRun('pg_ctl', ['-D', replicaDir, '-m', 'fast', '-w', 'stop']);
  const fallbackBefore = await stats(primaryUrl);
  await get('/v1/reports/summary');
  await new Promise((resolve) => setTimeout(resolve, 600));
  const fallback = difference(await stats(primaryUrl), fallbackBefore);
  lap(`replica stopped: the summary report still answers 200, from the primary (${scans(fallback)} table scans there)`);
  const passed = replicaTook > 0 && primaryTook === 0 && scans(fallback) > 0;
  console.log(passed ? 'replica check passed' : 'replica check FAILED');
  process.exitCode = passed ? 0 : 1;
} finally {
  service?.kill('SIGTERM');
  for (const data of [replicaDir, primaryDir]) {
    try {
      pgRun('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true });
}
