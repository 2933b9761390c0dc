// The two instances access-log-bench.mjs loads, in a process of their own (so the load generator
// does not share their CPU): the same build on one database, with the access log on and off.
// Prints one JSON line with their addresses, a key and the ids to read, then serves until killed.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../dist/app.js';
import { openDatabase } from '../dist/db/database.js';
import { migrateToLatest } from '../dist/db/migrate.js';
import { seedDemoCouncil } from '../dist/seed/demo-council.js';
import { demoPersonWithBudget } from './demo-person.mjs';
import { caller } from './inject.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'ras-bench-access-'));
const database = await openDatabase({ kind: 'postgres', url: process.env.DATABASE_URL });
await migrateToLatest(database.db);
await seedDemoCouncil(database.db, dataDir);
const demo = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
const key = demo.adminKey.key;
const logged = await buildApp({ database, config: { bootstrapToken: null } });
const unlogged = await buildApp({ database, config: { bootstrapToken: null }, accessLog: false });

// A person with an agreed assessment and an indicative budget, made through the API.
const call = caller(logged);
const { person, budget } = await demoPersonWithBudget(call, demo);

const urls = {
  logged: await logged.listen({ port: 0, host: '127.0.0.1' }),
  unlogged: await unlogged.listen({ port: 0, host: '127.0.0.1' }),
};
process.stdout.write(`${JSON.stringify({ urls, key, personId: person.id, budgetId: budget.id })}\n`);
process.once('SIGTERM', async () => {
  await logged.close();
  await unlogged.close();
  await database.close();
  process.exit(0);
});
