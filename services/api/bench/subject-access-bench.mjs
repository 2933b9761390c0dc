#!/usr/bin/env node
// A subject access export of a person with a long record (issue 18): 200,000 ledger entries (far
// more than ten years of weekly spending) and an event and an audit row for each, exported as JSON
// and as the page over real HTTP, in a process whose heap is capped (--max-old-space-size=64), so
// an export that held the whole record would fail rather than pass slowly. Prints the time, the
// size and the process's peak heap and RSS for each. Run with `npm run bench:subject-access`.
// LEDGER_ROWS sets the number of entries (default 200,000).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { buildApp } from '../dist/app.js';
import { openDatabase } from '../dist/db/database.js';
import { migrateToLatest } from '../dist/db/migrate.js';
import { seedDemoCouncil } from '../dist/seed/demo-council.js';
import { demoPersonWithBudget } from './demo-person.mjs';
import { caller } from './inject.mjs';
import { scratchDatabase } from './scratch-database.mjs';

if (!process.execArgv.some((arg) => arg.startsWith('--max-old-space-size'))) {
  const { spawnSync } = await import('node:child_process');
  const run = spawnSync(process.execPath, ['--max-old-space-size=64', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

const ROWS = Number(process.env.LEDGER_ROWS ?? 200_000);
const scratch = await scratchDatabase('ras_bench_sar');
const dataDir = mkdtempSync(join(tmpdir(), 'ras-bench-sar-'));
const database = await openDatabase({ kind: 'postgres', url: scratch.url.toString() });
let app;
try {
  await migrateToLatest(database.db);
  await seedDemoCouncil(database.db, dataDir);
  const demo = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
  const key = demo.adminKey.key;
  app = await buildApp({ database, config: { bootstrapToken: null } });
  const call = caller(app);
  const { person, budget } = await demoPersonWithBudget(call, demo);
  const councilId = (await sql`select council_id from budgets where id = ${budget.id}`.execute(database.db)).rows[0].council_id;
  // The long record, written directly: a spend a day (two a day past 2026), each with its
  // audit row and event as the service would have written them.
  await sql`
    insert into budget_transactions (id, council_id, budget_id, kind, direction, amount_pence, occurred_on, category, description, created_by)
    select gen_random_uuid(), ${councilId}::uuid, ${budget.id}::uuid, 'spend', -1, 1000 + n % 5000,
           date '2016-04-01' + (n / 2), 'personal-assistant', 'Personal assistant, week ' || n, 'bench'
      from generate_series(1, ${ROWS}) n`.execute(database.db);
  await sql`
    insert into audit_log (id, council_id, actor, action, entity_type, entity_id, after)
    select gen_random_uuid(), council_id, 'bench', 'transaction.recorded', 'budget-transaction', id,
           jsonb_build_object('id', id, 'budgetId', budget_id, 'kind', kind, 'amountPence', amount_pence)
      from budget_transactions where budget_id = ${budget.id}`.execute(database.db);
  await sql`
    insert into events (council_id, seq, id, type, entity_type, entity_id, payload)
    select council_id, 1000000 + row_number() over (order by id), gen_random_uuid(), 'transaction.recorded', 'budget-transaction', id,
           jsonb_build_object('id', id, 'budgetId', budget_id, 'kind', kind, 'amountPence', amount_pence)
      from budget_transactions where budget_id = ${budget.id}`.execute(database.db);
  await sql`analyze`.execute(database.db);

  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  console.log(
    `\nSubject access export of a person with ${ROWS.toLocaleString('en-GB')} ledger entries, events and audit rows (heap capped at 64 MB)`,
  );
  console.log('| format | time | size | peak heap | peak RSS |');
  console.log('|---|---:|---:|---:|---:|');
  for (const format of ['json', 'html']) {
    global.gc?.();
    let peakHeap = 0;
    let peakRss = 0;
    const sample = setInterval(() => {
      const memory = process.memoryUsage();
      peakHeap = Math.max(peakHeap, memory.heapUsed);
      peakRss = Math.max(peakRss, memory.rss);
    }, 20);
    const startedAt = performance.now();
    const response = await fetch(`${url}/v1/people/${person.id}/record?format=${format}`, { headers: { authorization: `Bearer ${key}` } });
    if (!response.ok) throw new Error(`${format}: ${response.status} ${await response.text()}`);
    let bytes = 0;
    let tail = '';
    for await (const chunk of response.body) {
      bytes += chunk.length;
      tail = Buffer.from(chunk).toString('utf8').slice(-20);
    }
    const seconds = (performance.now() - startedAt) / 1000;
    clearInterval(sample);
    if (!(format === 'json' ? tail.trimEnd().endsWith('}}') : tail.includes('</html>')))
      throw new Error(`${format}: the export did not finish`);
    console.log(
      `| ${format} | ${seconds.toFixed(2)} s | ${(bytes / 1_048_576).toFixed(1)} MB | ${(peakHeap / 1_048_576).toFixed(0)} MB | ${(peakRss / 1_048_576).toFixed(0)} MB |`,
    );
  }
} finally {
  await app?.close();
  await database.close();
  await scratch.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
