#!/usr/bin/env node
import { sql } from 'kysely';
// Uprating at scale (issue 14): an uprating dry run over 25,000 agreed budgets must finish in under
// 60 s. Builds a council with three template budgets through the API (6, 12 and 25 points under
// £250 a point), clones them in SQL set operations to BUDGETS agreed budgets across two client
// groups, publishes a banded next version, then times createUpratingRun (the whole request:
// reading the caseload, re-working every budget in ras-core, writing the run and one row per
// person) ROUNDS times, and applyUpratingRun once for information.
// Run with `npm run bench:uprating` (builds first): on embedded PGlite, or on PostgreSQL when
// DATABASE_URL names a database (it is migrated and a council added; use a scratch database).
import { buildApp } from '../dist/app.js';
import { openDatabase } from '../dist/db/database.js';
import { migrateToLatest } from '../dist/db/migrate.js';
import { caller } from './inject.mjs';

const BUDGETS = Number(process.env.BENCH_BUDGETS ?? 25_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TOKEN = 'bench-operator-token-0123456789abcdef';
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const url = process.env.DATABASE_URL;

const database = await openDatabase(url ? { kind: 'postgres', url, poolSize: 5 } : { kind: 'pglite', dataDir: null });
await migrateToLatest(database.db);
const app = await buildApp({
  database,
  config: { bootstrapToken: TOKEN, rateLimitPerMinute: 0, failedAuthPerMinute: 0, allowPrivateWebhooks: false },
  logger: false,
});
await app.ready();

const inject = caller(app);
const call = async (...args) => (await inject(...args)).json();

const created = await call('POST', '/v1/councils', TOKEN, { name: `Uprating bench ${Date.now()}` });
const admin = created.adminKey.key;
const councilId = created.council.id;
const finance = (await call('POST', '/v1/api-keys', admin, { name: 'finance', roles: ['finance'] })).key;
const assessor = (await call('POST', '/v1/api-keys', admin, { name: 'assessor', roles: ['assessor'] })).key;
const questionnaire = await call('POST', '/v1/questionnaires', admin, {
  key: 'bench-saq',
  title: 'Bench questionnaire',
  sections: [
    {
      key: 'care',
      title: 'Personal care',
      questions: [
        {
          key: 'washing',
          text: 'Washing',
          type: 'single',
          options: [0, 3, 9].map((points, i) => ({ key: `w${i}`, text: `w${i}`, points })),
        },
        {
          key: 'out',
          text: 'Getting out',
          type: 'single',
          options: [0, 3, 16].map((points, i) => ({ key: `o${i}`, text: `o${i}`, points })),
        },
      ],
    },
  ],
});
const groups = ['learning-disability', 'older-people'];
const v1 = await call('POST', '/v1/allocation-schemes', admin, {
  key: 'adults',
  questionnaireId: questionnaire.id,
  clientGroups: groups,
  effectiveFrom: '2026-01-01',
  method: { type: 'linear', poundsPerPointPence: 25_000 },
  clawback: { type: 'percent', percent: 20 },
});
// Three templates: 3 + 3 = 6 points (£1,500), 9 + 3 = 12 (£3,000), 9 + 16 = 25 (£6,250).
const templates = [];
for (const answers of [
  { washing: 'w1', out: 'o1' },
  { washing: 'w2', out: 'o1' },
  { washing: 'w2', out: 'o2' },
]) {
  const person = await call('POST', '/v1/people', admin, { clientGroup: groups[templates.length % 2] });
  const assessment = await call('POST', '/v1/assessments', admin, {
    personId: person.id,
    questionnaireId: questionnaire.id,
    completedWith: ['self'],
    answers,
  });
  await call('POST', `/v1/assessments/${assessment.id}/submit`, admin, undefined, { 'if-match': '"1"' });
  await call(
    'POST',
    `/v1/assessments/${assessment.id}/moderation`,
    assessor,
    { decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } },
    { 'if-match': '"2"' },
  );
  const budget = await call('POST', '/v1/budgets', assessor, { assessmentId: assessment.id, startDate: '2026-05-01' });
  templates.push(budget.id);
}

// The caseload: each template cloned to BUDGETS / 3 people, assessments and agreed budgets.
const seedStarted = performance.now();
await sql`update budgets set status = 'agreed' where id in (${sql.join(templates)})`.execute(database.db);
await sql`create temporary table bench_clones as
  select b.id as template_id, gen_random_uuid() as person_id, gen_random_uuid() as assessment_id, gen_random_uuid() as budget_id, n
    from budgets b cross join generate_series(1, ${Math.ceil(BUDGETS / 3) - 1}) n
   where b.id in (${sql.join(templates)})`.execute(database.db);
await sql`insert into people (id, council_id, client_group, created_at, updated_at)
  select c.person_id, p.council_id, case when c.n % 2 = 0 then 'learning-disability' else 'older-people' end, now(), now()
    from bench_clones c join budgets b on b.id = c.template_id join people p on p.id = b.person_id`.execute(database.db);
await sql`insert into assessments (id, council_id, person_id, questionnaire_id, status, completed_with, answers, submitted_answers, moderation, eligibility, total_points, score, submitted_at, agreed_at, created_at, updated_at)
  select c.assessment_id, a.council_id, c.person_id, a.questionnaire_id, a.status, a.completed_with, a.answers, a.submitted_answers, a.moderation, a.eligibility, a.total_points, a.score, a.submitted_at, a.agreed_at, now(), now()
    from bench_clones c join budgets b on b.id = c.template_id join assessments a on a.id = b.assessment_id`.execute(database.db);
await sql`insert into budgets (id, council_id, person_id, assessment_id, scheme_id, status, start_date, ras_annual_pence, total_annual_pence, council_annual_pence, annual_contribution_pence, net_annual_pence, referral, calculation, created_at, updated_at)
  select c.budget_id, b.council_id, c.person_id, c.assessment_id, b.scheme_id, 'agreed', b.start_date, b.ras_annual_pence, b.total_annual_pence, b.council_annual_pence, b.annual_contribution_pence, b.net_annual_pence, b.referral, b.calculation, now(), now()
    from bench_clones c join budgets b on b.id = c.template_id`.execute(database.db);
const { rows } = await sql`select count(*)::int as n from budgets where council_id = ${councilId} and status = 'agreed'`.execute(
  database.db,
);
const budgets = rows[0].n;
const seedSeconds = (performance.now() - seedStarted) / 1000;

// Next April: bands that make winners (6 points → £2,000), unchanged (12 → £3,000) and losers (25 → £5,000,
// held at £5,625 by the 10% protection).
const v2 = await call('POST', '/v1/allocation-schemes', admin, {
  key: 'adults',
  questionnaireId: questionnaire.id,
  clientGroups: groups,
  effectiveFrom: '2027-04-01',
  method: {
    type: 'banded',
    bands: [
      { fromPoints: 0, toPoints: 9, annualPence: 200_000 },
      { fromPoints: 10, toPoints: 19, annualPence: 300_000 },
      { fromPoints: 20, toPoints: 40, annualPence: 500_000 },
    ],
  },
  clawback: { type: 'percent', percent: 20 },
});

const seconds = [];
let run;
for (let round = 0; round < ROUNDS; round++) {
  const started = performance.now();
  run = await call('POST', '/v1/uprating-runs', finance, {
    schemeId: v1.id,
    successorSchemeId: v2.id,
    transitionalProtection: { maxDecreasePercent: 10 },
  });
  seconds.push((performance.now() - started) / 1000);
}
const appliedStarted = performance.now();
await call('POST', `/v1/uprating-runs/${run.id}/apply`, finance);
const applySeconds = (performance.now() - appliedStarted) / 1000;

const o = run.summary.overall;
console.log(`database: ${url ? 'PostgreSQL' : 'PGlite (in memory)'}`);
console.log(`caseload: ${budgets} agreed budgets (seeded in ${seedSeconds.toFixed(1)} s)`);
console.log(
  `dry run: ${o.people} re-worked: ${o.winners} winners, ${o.losers} losers (${o.protectedPeople} protected), ${o.unchanged} unchanged`,
);
console.log(
  `dry run seconds, ${ROUNDS} rounds: ${seconds.map((s) => s.toFixed(2)).join(', ')}; median ${median(seconds).toFixed(2)} s (target < 60 s: ${median(seconds) < 60 ? 'met' : 'NOT met'})`,
);
console.log(
  `apply (one transaction: ${o.people - o.outsideRas} new budgets, ${o.people} reviews, their events): ${applySeconds.toFixed(2)} s`,
);
await app.close();
