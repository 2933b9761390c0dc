#!/usr/bin/env node
// What logging reads costs (issue 18). Two instances of the service on one PostgreSQL database,
// identical but for the access log (on in one, off in the other), in a process of their own, take
// turns under the same load in one run: reads of a person's record and money (getPerson,
// getBudget, getBudgetAccount, listBudgets), at one caller and at 10 connections. Then the writer alone: how long a
// batch of 1,000 reads takes to write.
// Run with `npm run bench:access-log` (builds first). BENCH_SECONDS (default 5) and BENCH_ROUNDS
// (default 5) set each load's length and how many turns each instance takes.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { openDatabase } from '../dist/db/database.js';
import { newId } from '../dist/ids.js';
import { insertAccessEntries } from '../dist/repositories/access-log.js';
import { scratchDatabase } from './scratch-database.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const scratch = await scratchDatabase('ras_bench_access');
const servers = spawn(process.execPath, [fileURLToPath(new URL('./access-log-servers.mjs', import.meta.url))], {
  env: { ...process.env, DATABASE_URL: scratch.url.toString() },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const database = await openDatabase({ kind: 'postgres', url: scratch.url.toString() });
try {
  const ready = await new Promise((resolve, reject) => {
    let output = '';
    servers.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('\n')) resolve(JSON.parse(output.split('\n')[0]));
    });
    servers.once('exit', (code) => reject(new Error(`the bench servers exited with ${code}`)));
  });
  const reads = [
    ['getPerson', `/v1/people/${ready.personId}`],
    ['getBudget', `/v1/budgets/${ready.budgetId}`],
    ['getBudgetAccount', `/v1/budgets/${ready.budgetId}/account`],
    ['listBudgets', `/v1/budgets?personId=${ready.personId}`],
  ];
  const load = async (url, path, connections) => {
    const result = await autocannon({
      url: `${url}${path}`,
      connections,
      duration: DURATION,
      headers: { authorization: `Bearer ${ready.key}` },
    });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return { rps: result.requests.average, p99: result.latency.p99, requests: result.requests.total };
  };
  const rows = [];
  let loggedRequests = 0;
  for (const connections of [1, 10]) {
    for (const [operation, path] of reads) {
      const figures = { logged: [], unlogged: [] };
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate who goes first, so neither always meets a warmer machine.
        const order = round % 2 === 0 ? ['logged', 'unlogged'] : ['unlogged', 'logged'];
        for (const name of order) figures[name].push(await load(ready.urls[name], path, connections));
      }
      loggedRequests += figures.logged.reduce((sum, figure) => sum + figure.requests, 0);
      const pick = (name, field) => median(figures[name].map((figure) => figure[field]));
      rows.push({
        operation,
        connections,
        rpsLogged: pick('logged', 'rps'),
        rpsUnlogged: pick('unlogged', 'rps'),
        p99Logged: pick('logged', 'p99'),
        p99Unlogged: pick('unlogged', 'p99'),
      });
    }
  }
  // The last batch is written within a fifth of a second of the last read.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const written = Number((await sql`select count(*)::int as n from access_log where request_id <> 'bench'`.execute(database.db)).rows[0].n);

  // The writer alone: a batch of 1,000 reads, as the queue sends it, each naming its person by
  // the budget read (looked up as the batch is written).
  const councilId = (await sql`select id from councils limit 1`.execute(database.db)).rows[0].id;
  const batchMs = [];
  for (let i = 0; i < 10; i++) {
    const entries = Array.from({ length: 1_000 }, () => ({
      id: newId(),
      councilId,
      at: new Date(),
      keyId: null,
      actorName: null,
      operationId: 'getBudget',
      personId: null,
      what: ['record', 'money'],
      entityType: 'getBudget',
      entityId: ready.budgetId,
      requestId: 'bench',
    }));
    const startedAt = performance.now();
    await insertAccessEntries(database.db, entries);
    batchMs.push(performance.now() - startedAt);
  }

  console.log(`\nAccess log: ${ROUNDS} rounds of ${DURATION} s each, medians; the same build with the log on and off, one run`);
  console.log('| read | connections | req/s logged | req/s unlogged | ratio | p99 logged | p99 unlogged |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows)
    console.log(
      `| ${row.operation} | ${row.connections} | ${Math.round(row.rpsLogged)} | ${Math.round(row.rpsUnlogged)} | ${(row.rpsLogged / row.rpsUnlogged).toFixed(2)} | ${row.p99Logged} ms | ${row.p99Unlogged} ms |`,
    );
  console.log(
    `\nreads served by the logged instance: ${loggedRequests.toLocaleString('en-GB')}; access log rows written: ${written.toLocaleString('en-GB')}`,
  );
  console.log(
    `writer alone: a batch of 1,000 reads in ${median(batchMs).toFixed(1)} ms (median of 10), ${(median(batchMs) / 1000).toFixed(3)} ms a read`,
  );
} finally {
  servers.kill('SIGTERM');
  await new Promise((resolve) => servers.once('exit', resolve));
  await database.close();
  await scratch.drop();
}
