#!/usr/bin/env node
import { spawn } from 'node:child_process';
// National scale (issue 17): the figures on the seed:scale data set. Needs DATABASE_URL (the
// seeded database) and SCALE_KEYS (the keys file seed:scale wrote, default scale-keys.json).
// Run with `npm run bench:scale` after `npm run seed:scale`. It changes the database: the last
// part confirms every council's payment run and the approvals part approves plans, so seed again
// for a second full run (BENCH_PARTS=account,report,export,events,uprating leaves it as it is).
//
// Parts (BENCH_PARTS, comma-separated, default all):
// - account: getBudgetAccount over HTTP in the largest council, random agreed budgets, 10 connections, 10 s
//   (BENCH_ACCESS_LOG=off: without the access log, for what logging reads costs)
// - report: getSummaryReport for the largest council, 3 rounds
// - export: exportRecords budgets (NDJSON, streamed over HTTP) for the largest council, with the process's peak RSS
// - events: listEvents paging through the largest council's whole feed, 500 a page
// - regional: getRegionalSelfRatingReport across every council (the round is set up on first use)
// - uprating: createUpratingRun (dry run) over the largest council under a next scheme version
// - payment-run: createPaymentRun + CSV for the largest council, 3 rounds, each cancelled (changes nothing)
// - payments: createPaymentRun + CSV for the largest council, then every council; confirm them all; then the Bacs files
// - approvals: panel approvals of the plans seed:scale left waiting, 20 at once (after the payments)
// - explain: EXPLAIN (ANALYZE, BUFFERS) of the payment run's and the account's queries
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { buildApp } from '../dist/app.js';
import { openDatabase } from '../dist/db/database.js';
import { budgetsWithInstalmentsDue, instalmentsDueQuery } from '../dist/repositories/payment-runs.js';
import { moneyByKindQuery } from '../dist/repositories/reports.js';
import { caller } from './inject.mjs';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('bench:scale reads the seed:scale database: set DATABASE_URL');
const keys = JSON.parse(readFileSync(process.env.SCALE_KEYS ?? 'scale-keys.json', 'utf8'));
const PARTS = new Set((process.env.BENCH_PARTS ?? 'account,report,export,events,regional,uprating,explain,payments,approvals').split(','));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const rssMb = () => Math.round(process.memoryUsage().rss / 1_048_576);

const database = await openDatabase({ kind: 'postgres', url, poolSize: 10 });
const db = database.db;
// BENCH_ACCESS_LOG=off measures the same build without the access log (what logging reads costs).
const app = await buildApp({
  database,
  config: { bootstrapToken: null, rateLimitPerMinute: 0, failedAuthPerMinute: 0 },
  logger: false,
  accessLog: process.env.BENCH_ACCESS_LOG !== 'off',
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const largest = keys.councils[0];
console.log(`largest council: ${largest.name}, ${largest.people} people; ${keys.councils.length} councils`);

const call = caller(app);
async function timed(what, work) {
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  console.log(`${what}: ${seconds(ms)}`);
  return { ms, result };
}

if (PARTS.has('account')) {
  const { rows } =
    await sql`select id from budgets where council_id = ${largest.id} and status = 'agreed' order by random() limit 5000`.execute(db);
  const { rows: size } =
    await sql`select count(*)::int as budgets, (select count(*)::int from budget_transactions where council_id = ${largest.id}) as ledger
                                     from budgets where council_id = ${largest.id}`.execute(db);
  // The load comes from another process, so the service's event loop is its own: first as fast
  // as 10 connections go (the machine's limit: the service, PostgreSQL and the load share 2
  // cores), then one caller at a time, for the latency a caller sees without queueing.
  const pathsFile = join(tmpdir(), `ras-scale-bench-${process.pid}.json`);
  writeFileSync(pathsFile, JSON.stringify(rows.map((row) => `/v1/budgets/${row.id}/account`)));
  const load = async (connections) => {
    const loader = `
      const autocannon = require('autocannon');
      const paths = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(pathsFile)}, 'utf8'));
      let i = 0;
      autocannon({ url: '${address}', connections: ${connections}, duration: 10,
        headers: { authorization: 'Bearer ${largest.financeKey}' },
        requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: paths[i++ % paths.length] }) }] },
        (error, result) => { if (error) throw error; process.stdout.write(JSON.stringify(result)); });`;
    const child = spawn(process.execPath, ['-e', loader], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    await new Promise((resolve) => child.on('exit', resolve));
    const result = JSON.parse(output);
    console.log(
      `getBudgetAccount, ${connections} connection(s) (${size[0].budgets} budgets, ${size[0].ledger} ledger rows in the council): ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}`,
    );
  };
  await load(10);
  await load(1);
  rmSync(pathsFile);
}

if (PARTS.has('report')) {
  const rounds = [];
  for (let round = 0; round < 3; round++)
    rounds.push((await timed('getSummaryReport, largest council', () => call('GET', '/v1/reports/summary', largest.adminKey))).ms);
  console.log(`getSummaryReport median ${seconds(median(rounds))}`);
}

if (PARTS.has('export')) {
  // Over HTTP, read as it streams and thrown away, so the peak RSS is the service's own.
  const before = rssMb();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 50);
  const started = performance.now();
  const response = await fetch(`${address}/v1/exports/budgets?format=ndjson`, { headers: { authorization: `Bearer ${largest.adminKey}` } });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  console.log(
    `exportRecords budgets, largest council: ${lines} budgets, ${(bytes / 1_048_576).toFixed(1)} MB in ${seconds(ms)}; RSS ${before} → peak ${peak} MB`,
  );
}

if (PARTS.has('events')) {
  let after = 0;
  let pages = 0;
  let events = 0;
  const pageTimes = [];
  const started = performance.now();
  for (;;) {
    const t0 = performance.now();
    const page = (await call('GET', `/v1/events?after=${after}&pageSize=500`, largest.adminKey)).json();
    pageTimes.push(performance.now() - t0);
    pages++;
    events += page.items.length;
    if (page.items.length === 0) break;
    after = page.nextAfter;
  }
  pageTimes.sort((a, b) => a - b);
  console.log(
    `listEvents: ${events} events in ${pages} pages of 500, ${seconds(performance.now() - started)}; page p50 ${pageTimes[Math.floor(pages / 2)].toFixed(1)} ms, p99 ${pageTimes[Math.floor(pages * 0.99)].toFixed(1)} ms`,
  );
}

if (PARTS.has('regional')) {
  // Every council opts in and rates each component in one round (set up here once, not timed),
  // then the one report read across councils.
  const roundKey = 'england-scale';
  const components = ['services-available-to-all', 'prevention', 'supporting-recovery', 'staying-in-control'];
  for (const [index, council] of keys.councils.entries()) {
    const current = await call('GET', '/v1/council', council.adminKey);
    const body = current.json();
    if (!body.settings.regionalReportOptIn)
      await call(
        'PATCH',
        '/v1/council',
        council.adminKey,
        { settings: { ...body.settings, regionalReportOptIn: true } },
        { 'if-match': current.headers.etag },
      );
    const rounds = (await call('GET', '/v1/self-rating-rounds', council.adminKey)).json().items;
    if (rounds.some((round) => round.roundKey === roundKey)) continue;
    const round = (
      await call('POST', '/v1/self-rating-rounds', council.adminKey, { roundKey, title: 'England at scale', closesOn: '2099-03-31' })
    ).json();
    for (const [k, component] of components.entries())
      await call('PUT', `/v1/self-rating-rounds/${round.id}/ratings/${component}`, council.adminKey, {
        rating: ((index + k) % 5) + 1,
        comment: `${council.name} has work to do here`,
      });
  }
  const rounds = [];
  for (let round = 0; round < 3; round++)
    rounds.push(
      (
        await timed(`getRegionalSelfRatingReport, ${keys.councils.length} councils`, () =>
          call('GET', `/v1/reports/regional-self-rating?roundKey=${roundKey}`, largest.adminKey),
        )
      ).ms,
    );
  console.log(`regional report median ${seconds(median(rounds))}`);
}

if (PARTS.has('uprating')) {
  const scheme = (await call('GET', '/v1/allocation-schemes', largest.adminKey)).json().items[0];
  const existing = (await call('GET', '/v1/allocation-schemes', largest.adminKey)).json().items.find((s) => s.version > scheme.version);
  const next =
    existing ??
    (
      await call('POST', '/v1/allocation-schemes', largest.adminKey, {
        key: scheme.key,
        questionnaireId: scheme.questionnaireId,
        clientGroups: scheme.clientGroups,
        effectiveFrom: '2027-04-01',
        method: { type: 'linear', poundsPerPointPence: 23_200 },
        floorPoints: scheme.floorPoints,
        ceilingPence: scheme.ceilingPence,
        clawback: scheme.clawback,
      })
    ).json();
  const { result } = await timed('createUpratingRun (dry run), largest council', () =>
    call('POST', '/v1/uprating-runs', largest.financeKey, { schemeId: scheme.id, successorSchemeId: next.id }),
  );
  console.log(`uprating dry run: ${result.json().summary.overall.people} budgets`);
}

if (PARTS.has('explain')) {
  const runDate = new Date().toISOString().slice(0, 10);
  // What the payment run asks first, and what an account reads: the plans PostgreSQL chose.
  const explain = async (what, query) => {
    const { rows } = await sql`explain (analyze, buffers) ${query}`.execute(db);
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS) ${what}\n${rows.map((row) => row['QUERY PLAN']).join('\n')}`);
  };
  await explain('the payment run’s candidates, largest council', instalmentsDueQuery(largest.id, runDate));
  await explain('the summary report’s money by kind, largest council', moneyByKindQuery(db, largest.id, '2026-04-01', '2027-03-31'));
  const { rows } = await sql`select budget_id as id from budget_transactions where council_id = ${largest.id} limit 1`.execute(db);
  await explain(
    'one budget’s ledger (getBudgetAccount)',
    sql`select * from budget_transactions where council_id = ${largest.id} and budget_id = ${rows[0].id} order by id`,
  );
  console.log(`(candidates found by the repository: ${(await budgetsWithInstalmentsDue(db, largest.id, runDate)).length})`);
}

if (PARTS.has('payment-run')) {
  // The largest council's run and its CSV, three times, each cancelled after (changes nothing).
  const today = new Date();
  const runDate = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
  const rounds = [];
  for (let round = 0; round < 3; round++) {
    const { ms, result: run } = await timed('createPaymentRun + CSV, largest council', async () => {
      const run = (await call('POST', '/v1/payment-runs', largest.financeKey, { runDate })).json();
      await call('GET', `/v1/payment-runs/${run.id}/file?format=csv`, largest.financeKey);
      return run;
    });
    rounds.push(ms);
    await call('POST', `/v1/payment-runs/${run.id}/cancel`, largest.financeKey);
    if (round === 0) console.log(`(${run.payments} payments to ${run.payees} payees)`);
  }
  console.log(`createPaymentRun + CSV, largest council: median ${seconds(median(rounds))}`);
}

if (PARTS.has('payments')) {
  // Prepare and check (the run and its CSV), confirm (every payment on the ledger), then the Bacs
  // file, which is given only for a confirmed run.
  const today = new Date();
  const runDate = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
  const runs = [];
  const prepare = async (council) => {
    const started = performance.now();
    const run = (await call('POST', '/v1/payment-runs', council.financeKey, { runDate })).json();
    const csv = await call('GET', `/v1/payment-runs/${run.id}/file?format=csv`, council.financeKey);
    const ms = performance.now() - started;
    runs.push({ council, run, ms });
    return { run, ms, csvBytes: csv.rawPayload.length };
  };
  const bacs = async ({ council, run }) =>
    (await call('GET', `/v1/payment-runs/${run.id}/file?format=bacs`, council.financeKey)).rawPayload.length;
  const first = await prepare(largest);
  console.log(
    `payment run ${runDate}, largest council: ${first.run.payments} payments to ${first.run.payees} payees, £${(first.run.totalPence / 100).toFixed(2)}; run + CSV (${first.csvBytes} bytes) in ${seconds(first.ms)}`,
  );
  const started = performance.now();
  for (const council of keys.councils.slice(1)) await prepare(council);
  const all = performance.now() - started + first.ms;
  const payments = runs.reduce((sum, r) => sum + r.run.payments, 0);
  console.log(
    `every council's run and CSV: ${runs.length} councils, ${payments} payments, ${seconds(all)} (slowest ${seconds(Math.max(...runs.map((r) => r.ms)))})`,
  );
  const confirmStarted = performance.now();
  const { ms: largestConfirm } = await timed('confirmPaymentRun, largest council', () =>
    call('POST', `/v1/payment-runs/${runs[0].run.id}/confirm`, largest.financeKey),
  );
  for (const { council, run } of runs.slice(1)) await call('POST', `/v1/payment-runs/${run.id}/confirm`, council.financeKey);
  console.log(
    `confirming every run: ${seconds(performance.now() - confirmStarted)} (largest ${seconds(largestConfirm)}); ${payments} ledger entries with events`,
  );
  const { ms: largestBacs, result: bacsBytes } = await timed('Bacs file, largest council', () => bacs(runs[0]));
  const bacsStarted = performance.now();
  for (const run of runs.slice(1)) await bacs(run);
  console.log(
    `Bacs files: largest ${bacsBytes} bytes in ${seconds(largestBacs)}; every council ${seconds(performance.now() - bacsStarted + largestBacs)}`,
  );
  console.log(
    `the run and its files, largest council: ${seconds(first.ms + largestBacs)}; every council's runs and files: ${seconds(all + performance.now() - bacsStarted + largestBacs)} (confirmation apart)`,
  );
}

if (PARTS.has('approvals')) {
  const { rows } =
    await sql`select id, version from support_plans where council_id = ${largest.id} and status = 'submitted' and stage = 'panel'
                              order by id limit 3000`.execute(db);
  const thisMonth = `${new Date().toISOString().slice(0, 8)}01`;
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < rows.length) {
      const plan = rows[next++];
      const response = await app.inject({
        method: 'POST',
        url: `/v1/support-plans/${plan.id}/decisions`,
        headers: { authorization: `Bearer ${keys.benchKeys.panel}`, 'content-type': 'application/json', 'if-match': `"${plan.version}"` },
        payload: JSON.stringify({ stage: 'panel', outcome: 'approve', reasons: 'Meets the outcomes', startDate: thisMonth }),
      });
      if (response.statusCode !== 200) {
        failed++;
        if (failed < 3) console.log(response.body.slice(0, 300));
      }
    }
  };
  const { ms } = await timed(`panel approvals of ${rows.length} plans, 20 at once`, () => Promise.all(Array.from({ length: 20 }, worker)));
  console.log(`approvals: ${Math.round((rows.length / ms) * 1000)} a second (${failed} failed)`);
}

await app.close();
await database.close();
