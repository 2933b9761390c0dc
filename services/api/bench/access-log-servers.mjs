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
const assessor = (await call('POST', '/v1/api-keys', key, { name: 'Bench coordinator', roles: ['assessor'] })).json().key;
const questionnaire = (await call('GET', `/v1/questionnaires/${demo.questionnaireId}`, key)).json();
const scheme = (await call('GET', `/v1/allocation-schemes/${demo.allocationSchemeId}`, key)).json();
const answers = Object.fromEntries(
  questionnaire.sections.flatMap((section) =>
    section.questions.map((q) => [q.key, q.type === 'multi' ? [q.options[0].key] : q.options[Math.min(2, q.options.length - 1)].key]),
  ),
);
const person = (await call('POST', '/v1/people', assessor, { clientGroup: scheme.clientGroups[0], displayName: 'Sam' })).json();
const assessment = (
  await call('POST', '/v1/assessments', assessor, {
    personId: person.id,
    questionnaireId: demo.questionnaireId,
    completedWith: ['self'],
    answers,
  })
).json();
const submitted = (
  await call('POST', `/v1/assessments/${assessment.id}/submit`, assessor, undefined, { 'if-match': `"${assessment.version}"` })
).json();
await call(
  'POST',
  `/v1/assessments/${assessment.id}/moderation`,
  assessor,
  { decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } },
  { 'if-match': `"${submitted.version}"` },
);
const budget = (await call('POST', '/v1/budgets', assessor, { assessmentId: assessment.id, startDate: scheme.effectiveFrom })).json();

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
