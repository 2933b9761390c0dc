/**
 * `npm run seed:scale -- --councils 150 --people 550000`: fills an empty PostgreSQL database
 * (DATABASE_URL) with a national data set for the figures in BENCHMARKS.md. Each council, its
 * questionnaire, scheme and keys are made through the API, and so are eight template people in
 * every council (assessment, budget, approved plan, payment agreement, direct payment agreement),
 * under that council's own rules; everyone else is their council's templates cloned in SQL set
 * operations (`generate_series`),
 * with their own ids and start dates spread over the last twelve months, and a ledger of council
 * payments, contributions and spending for every month so far: about 45 rows a person.
 *
 * The largest council has 25,000 people (`--largest`); the rest share what is left, larger first.
 * The keys (admin and finance of every council) are written to `--keys` (default
 * scale-keys.json, owner-only): this is a benchmark database, not a place for real data.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { type Kysely, sql } from 'kysely';
import { addMonths } from 'ras-core';
import { buildApp } from './app.js';
import { systemClock } from './clock.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import type { DB } from './db/schema.js';
import { numberEvents } from './repositories/events.js';
import { DEMO_QUESTIONNAIRE } from './seed/demo-questionnaire.js';

const { values: options } = parseArgs({
  options: {
    councils: { type: 'string', default: '150' },
    people: { type: 'string', default: '550000' },
    largest: { type: 'string', default: '25000' },
    keys: { type: 'string', default: 'scale-keys.json' },
    'pending-plans': { type: 'string', default: '5000' },
  },
});
const COUNCILS = Number(options.councils);
const PEOPLE = Number(options.people);
const LARGEST = Math.min(Number(options.largest), PEOPLE);
/** People in the largest council whose plans wait for the panel: what the approvals benchmark decides. */
const PENDING = Math.min(Number(options['pending-plans']), Math.floor(LARGEST / 2));
const TERMS = { version: '2026-04', text: 'I will spend the money on the support in my plan and keep receipts.' };
/** The template people: answers, contribution and how the plan is managed, cycled over everyone. */
const TEMPLATES: { level: number; contribution: number; direct: boolean; pending?: boolean }[] = [
  { level: 0, contribution: 0, direct: true },
  { level: 1, contribution: 2_500, direct: true },
  { level: 2, contribution: 0, direct: false },
  { level: 3, contribution: 1_000, direct: true },
  { level: 4, contribution: 0, direct: true },
  { level: 5, contribution: 4_000, direct: false },
  { level: 2, contribution: 0, direct: true },
  // The last waits for the panel, agreed by coordinator and team manager: cloned only PENDING times.
  { level: 1, contribution: 0, direct: false, pending: true },
];

/** People per council: the largest first, the rest falling away as council sizes do, adding up exactly. */
function councilSizes(councils: number, people: number, largest: number): number[] {
  if (councils === 1) return [people];
  const weights = Array.from({ length: councils - 1 }, (_, i) => 1 / Math.sqrt(i + 2));
  const total = weights.reduce((a, b) => a + b, 0);
  const rest = people - largest;
  const sizes = weights.map((w) => Math.min(largest, Math.max(1, Math.floor((rest * w) / total))));
  let left = rest - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % sizes.length) {
    if ((sizes[i] as number) < largest) {
      sizes[i] = (sizes[i] as number) + 1;
      left--;
    }
  }
  return [largest, ...sizes];
}

function answersFor(level: number): Record<string, string | string[]> {
  const answers: Record<string, string | string[]> = {};
  let index = 0;
  for (const section of DEMO_QUESTIONNAIRE.sections)
    for (const question of section.questions) {
      const options = question.options ?? [];
      answers[question.key] =
        question.type === 'multi' ? [] : (options[Math.min(options.length - 1, (level + index++) % options.length)]?.key ?? '');
    }
  return answers;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('seed:scale fills a PostgreSQL server: set DATABASE_URL to an empty database');
  const started = performance.now();
  const lap = (what: string) => console.log(`${((performance.now() - started) / 1000).toFixed(1).padStart(7)} s  ${what}`);
  const database = await openDatabase({ kind: 'postgres', url, poolSize: 4 });
  const db = database.db;
  await migrateToLatest(db);
  if (await db.selectFrom('councils').select('id').limit(1).executeTakeFirst())
    throw new Error('The database already has councils: seed:scale needs an empty one');
  const sizes = councilSizes(COUNCILS, PEOPLE, LARGEST);
  const bootstrapToken = randomBytes(24).toString('base64url');
  const app = await buildApp({ database, config: { bootstrapToken, rateLimitPerMinute: 1_000_000 }, clock: systemClock });
  const call = async (method: string, url: string, key: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${key}`, ...headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    if (response.statusCode >= 300) throw new Error(`${method} ${url}: ${response.statusCode} ${response.body}`);
    return { json: response.json(), etag: response.headers.etag as string };
  };

  // Councils, questionnaires, schemes and keys, through the API.
  const today = systemClock.today();
  const thisMonth = `${today.slice(0, 8)}01`;
  const councils: {
    id: string;
    name: string;
    people: number;
    adminKey: string;
    financeKey: string;
    questionnaireId: string;
    schemeId: string;
  }[] = [];
  for (const [index, people] of sizes.entries()) {
    const created = await call('POST', '/v1/councils', bootstrapToken, {
      name: `Scale council ${String(index + 1).padStart(3, '0')}`,
      settings: {
        directPaymentTerms: TERMS,
        paymentFile: {
          serviceUserNumber: String(900_000 + index),
          originatorName: `COUNCIL ${index + 1}`,
          sortCode: '40-00-00',
          accountNumber: '10000001',
        },
      },
    });
    const adminKey = created.json.adminKey.key as string;
    const financeKey = (await call('POST', '/v1/api-keys', adminKey, { name: 'finance', roles: ['finance'] })).json.key as string;
    const questionnaire = await call('POST', '/v1/questionnaires', adminKey, DEMO_QUESTIONNAIRE);
    const scheme = await call('POST', '/v1/allocation-schemes', adminKey, {
      key: 'adults',
      questionnaireId: questionnaire.json.id,
      clientGroups: ['learning-disability', 'physical-disability', 'older-people', 'mental-health'],
      effectiveFrom: '2020-04-01',
      // Each council its own rate, as each sets its own in its desktop exercise.
      method: { type: 'linear', poundsPerPointPence: 22_500 + (index % 40) * 25 },
      floorPoints: 5,
      ceilingPence: 6_000_000,
      clawback: { type: 'percent', percent: 20 },
    });
    councils.push({
      id: created.json.council.id,
      name: created.json.council.name,
      people,
      adminKey,
      financeKey,
      questionnaireId: questionnaire.json.id,
      schemeId: scheme.json.id,
    });
  }
  lap(`${councils.length} councils with their questionnaire, scheme and keys`);

  const templateStart = addMonths(thisMonth, -11);
  /** One template person taken through the whole journey in a council. */
  async function templatePerson(
    council: (typeof councils)[number],
    k: number,
    template: (typeof TEMPLATES)[number],
    index: number,
    keys: { assessor: string; manager: string; panel: string },
  ): Promise<{ person: string; budget: string }> {
    const person = (await call('POST', '/v1/people', keys.assessor, { clientGroup: 'learning-disability', displayName: `Template ${k}` }))
      .json.id;
    const assessment = await call('POST', '/v1/assessments', keys.assessor, {
      personId: person,
      questionnaireId: council.questionnaireId,
      completedWith: ['self'],
      answers: answersFor(template.level + index),
    });
    const submitted = await call('POST', `/v1/assessments/${assessment.json.id}/submit`, keys.assessor, undefined, {
      'if-match': assessment.etag,
    });
    await call(
      'POST',
      `/v1/assessments/${assessment.json.id}/moderation`,
      keys.assessor,
      { decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } },
      {
        'if-match': submitted.etag,
      },
    );
    await call('POST', `/v1/people/${person}/financial-assessments`, council.financeKey, {
      effectiveFrom: '2020-04-01',
      weeklyContributionPence: template.contribution,
    });
    const budget = (await call('POST', '/v1/budgets', keys.assessor, { assessmentId: assessment.json.id, startDate: templateStart })).json;
    const managedBy = template.direct ? 'direct-payment' : 'council-arranged';
    let plan = await call('POST', '/v1/support-plans', keys.assessor, {
      budgetId: budget.id,
      outcomes: [{ key: 'home', description: 'Stay living in my own home' }],
      lines: [
        {
          description: 'Personal assistant',
          outcomeKeys: ['home'],
          provider: 'Own PA',
          managedBy,
          costType: 'annual',
          amountPence: Math.floor(budget.netAnnualPence * 0.8),
        },
      ],
      contingency: { amountPence: 10_000, plan: 'Family covers', emergencyCover: 'Out-of-hours agency' },
      risks: [],
      budgetHolder: 'Me',
      supportManager: 'My family',
      healthySafeAndWell: 'Family visits weekly',
    });
    const url = `/v1/support-plans/${plan.json.id}`;
    plan = await call('POST', `${url}/submit`, keys.assessor, undefined, { 'if-match': plan.etag });
    for (const [stage, stageKey] of [
      ['coordinator', keys.assessor],
      ['team-manager', keys.manager],
      ['panel', keys.panel],
    ] as const) {
      if (template.pending && stage === 'panel') break;
      plan = await call(
        'POST',
        `${url}/decisions`,
        stageKey,
        { stage, outcome: 'approve', reasons: 'Meets the outcomes', ...(stage === 'panel' ? { startDate: templateStart } : {}) },
        {
          'if-match': plan.etag,
        },
      );
    }
    if (template.direct && !template.pending)
      await call('POST', '/v1/direct-payment-agreements', council.financeKey, {
        budgetId: budget.id,
        termsVersion: TERMS.version,
        holder: { type: 'person' },
        account: { type: 'bank', reference: '20-00-00 00000000' },
        acceptedOn: templateStart,
        acceptedBy: 'The person',
      });
    return { person, budget: budget.id };
  }

  // The template people, through the API, in every council: the whole journey to an agreed,
  // approved and paid-for budget under that council's own questionnaire and scheme, so every clone
  // names its own council's rules and re-proves under them (verify:figures). The answers vary by
  // council as well as by template, and each council's scheme has its own rate: the data set holds
  // eight distinct calculations a council, not eight in all.
  const first = councils[0] as (typeof councils)[number];
  const templates: { k: number; councilId: string; person: string; budget: string }[] = [];
  let panel = '';
  for (const [index, council] of councils.entries()) {
    const key = async (roles: string[]) =>
      (await call('POST', '/v1/api-keys', council.adminKey, { name: roles[0], roles })).json.key as string;
    const [assessor, manager, panelKey] = [await key(['assessor']), await key(['team-manager']), await key(['panel'])];
    if (council === first) panel = panelKey;
    for (const [k, template] of TEMPLATES.entries()) {
      templates.push({
        k,
        councilId: council.id,
        ...(await templatePerson(council, k, template, index, { assessor, manager, panel: panelKey })),
      });
    }
  }
  lap(`${templates.length} template people through the API`);
  await app.close();

  await cloneEveryone(db, councils, templates, templateStart, thisMonth, lap);
  // The bench approves the waiting plans at panel with a key that decided no earlier stage.
  const benchKeys = { panel };
  // As autovacuum would, before anyone measures: statistics, and the visibility map that lets
  // the ledger's date index answer the summary report without reading the table.
  await sql`vacuum (analyze)`.execute(db);
  lap('vacuum and analyze');

  const keysFile = options.keys;
  mkdirSync(dirname(keysFile), { recursive: true });
  writeFileSync(
    keysFile,
    `${JSON.stringify({ note: 'Keys of the seed:scale benchmark database. Synthetic data only.', databaseUrl: url, benchKeys, councils: councils.map(({ questionnaireId, schemeId, ...council }) => council) }, null, 2)}\n`,
    { mode: 0o600 },
  );
  chmodSync(keysFile, 0o600);
  const { rows } = await sql<{ people: number; ledger: number; events: number; instalments: number }>`
    select (select count(*) from people)::int as people, (select count(*) from budget_transactions)::int as ledger,
           (select count(*) from events)::int as events, (select count(*) from payment_instalments)::int as instalments`.execute(db);
  lap(`done: ${JSON.stringify(rows[0])}; keys in ${keysFile}`);
  await database.close();
}

/**
 * Everyone else, as clones of the templates: each table's rows copied with new ids (time-ordered,
 * derived from the person's number, so a row and every reference to it agree), the council's own
 * questionnaire and scheme, and dates moved to the person's start month.
 */
async function cloneEveryone(
  db: Kysely<DB>,
  councils: readonly { id: string; people: number; questionnaireId: string; schemeId: string }[],
  templates: readonly { k: number; councilId: string; person: string; budget: string }[],
  templateStart: string,
  thisMonth: string,
  lap: (what: string) => void,
): Promise<void> {
  await sql`set synchronous_commit = off`.execute(db);
  // A UUID version 7 from an instant and a number: the instant's milliseconds, then kind and number.
  await sql`
    create or replace function pg_temp.seed_id(kind int, n bigint, sub int, at date) returns uuid language sql immutable as $$
      select (lpad(to_hex((extract(epoch from at) * 1000)::bigint + sub), 12, '0') || '7' || lpad(to_hex(kind), 3, '0') || '8'
              || lpad(to_hex(n * 256 + sub), 15, '0'))::uuid
    $$`.execute(db);
  await sql`create temp table seed_templates (k int, council_id uuid, person_id uuid, budget_id uuid)`.execute(db);
  for (const template of templates)
    await sql`insert into seed_templates values (${template.k}, ${template.councilId}, ${template.person}, ${template.budget})`.execute(db);
  // One row a person to clone: which template, which council, which start month.
  await sql`create temp table seed_people (n bigint primary key, council_id uuid, questionnaire_id uuid, scheme_id uuid, k int, months int, start date)`.execute(
    db,
  );
  let n = 0;
  const regular = TEMPLATES.length - 1;
  const pending = TEMPLATES.length - 1;
  for (const [index, council] of councils.entries()) {
    // Each council's own templates are people of it too.
    const count = Math.max(0, council.people - TEMPLATES.length - (index === 0 ? PENDING : 0));
    await sql`
      insert into seed_people
      select ${n}::bigint + i, ${council.id}::uuid, ${council.questionnaireId}::uuid, ${council.schemeId}::uuid,
             (${n}::bigint + i) % ${regular}, ((${n}::bigint + i) % 12)::int,
             (${thisMonth}::date - make_interval(months => ((${n}::bigint + i) % 12)::int))::date
        from generate_series(1, ${count}::int) i`.execute(db);
    n += count;
    if (index === 0) {
      // Plans waiting for the panel, starting this month.
      await sql`
        insert into seed_people
        select ${n}::bigint + i, ${council.id}::uuid, ${council.questionnaireId}::uuid, ${council.schemeId}::uuid, ${pending}, 0, ${thisMonth}::date
          from generate_series(1, ${PENDING}::int) i`.execute(db);
      n += PENDING;
    }
  }
  await sql`analyze seed_people`.execute(db);
  lap(`${n} people to clone`);

  const shift = sql`(p.start - ${templateStart}::date)`;
  const id = (kind: number, sub: unknown = sql`0`) => sql`pg_temp.seed_id(${sql.lit(kind)}, p.n, ${sub}, p.start)`;
  const when = sql`(p.start::timestamptz + (t.created_at - ${templateStart}::date::timestamptz))`;
  const clone = async (what: string, statement: ReturnType<typeof sql>) => {
    const result = await statement.execute(db);
    // Statistics of what was just cloned, so the next step's joins against it are planned as
    // joins of 100,000 rows, not of the eight templates (a nested loop there ran for minutes).
    await sql`analyze`.execute(db);
    lap(`${what}: ${result.numAffectedRows ?? 0n} rows`);
  };
  const from = sql`from seed_people p join seed_templates st on st.k = p.k and st.council_id = p.council_id`;

  await clone(
    'people',
    sql`insert into people (id, council_id, client_group, display_name, date_of_birth, agent, created_by_key_id, created_at, updated_at)
        select ${id(1)}, p.council_id, t.client_group, 'Person ' || p.n, t.date_of_birth, t.agent, null, ${when}, ${when}
        ${from} join people t on t.id = st.person_id`,
  );
  await clone(
    'assessments',
    sql`insert into assessments (id, council_id, person_id, questionnaire_id, status, completed_with, answers, submitted_answers, moderation,
                                 eligibility, total_points, score, created_by_key_id, submitted_at, agreed_at, created_at, updated_at)
        select ${id(2)}, p.council_id, ${id(1)}, p.questionnaire_id, t.status, t.completed_with, t.answers, t.submitted_answers, t.moderation,
               t.eligibility, t.total_points, t.score, null, ${when}, ${when}, ${when}, ${when}
        ${from} join assessments t on t.person_id = st.person_id`,
  );
  await clone(
    'financial assessments',
    sql`insert into financial_assessments (id, council_id, person_id, effective_from, method, weekly_contribution_pence, calculation, notes, created_by, created_at)
        select ${id(3)}, p.council_id, ${id(1)}, t.effective_from, t.method, t.weekly_contribution_pence, t.calculation, t.notes, t.created_by, ${when}
        ${from} join financial_assessments t on t.person_id = st.person_id`,
  );
  await clone(
    'budgets',
    sql`insert into budgets (id, council_id, person_id, assessment_id, scheme_id, status, start_date, ras_annual_pence, protected_annual_pence, unpaid_support_points,
                             total_annual_pence, council_annual_pence, annual_contribution_pence, net_annual_pence, referral, calculation,
                             contribution_collection, panel_annual_pence, panel_reason, agreed_at, end_date, created_at, updated_at)
        select ${id(4)}, p.council_id, ${id(1)}, ${id(2)}, p.scheme_id, t.status, p.start, t.ras_annual_pence, t.protected_annual_pence, t.unpaid_support_points,
               t.total_annual_pence, t.council_annual_pence, t.annual_contribution_pence, t.net_annual_pence, t.referral, t.calculation,
               t.contribution_collection, t.panel_annual_pence, t.panel_reason,
               case when t.agreed_at is null then null else ${when} end, null, ${when}, ${when}
        ${from} join budgets t on t.id = st.budget_id`,
  );
  await clone(
    'support plans',
    sql`insert into support_plans (id, council_id, budget_id, person_id, status, stage, plan, exception, created_by_key_id, submitted_at, decided_at,
                                   version, created_at, updated_at)
        select ${id(5)}, p.council_id, ${id(4)}, ${id(1)}, t.status, t.stage, t.plan, t.exception, null, ${when}, ${when}, t.version, ${when}, ${when}
        ${from} join support_plans t on t.budget_id = st.budget_id`,
  );
  await clone(
    'plan decisions',
    sql`insert into plan_decisions (id, council_id, plan_id, stage, outcome, reasons, plan_version, decided_by, actor_name, checklist_reasons, decided_at)
        select ${id(6, sql`d.sub`)}, p.council_id, ${id(5)}, d.stage, d.outcome, d.reasons, d.plan_version, d.decided_by, d.actor_name,
               d.checklist_reasons, p.start::timestamptz
        ${from} join support_plans sp on sp.budget_id = st.budget_id
        join lateral (select t.*, (row_number() over (order by t.id))::int as sub from plan_decisions t where t.plan_id = sp.id) d on true`,
  );
  await clone(
    'payment agreements',
    sql`insert into payment_agreements (id, council_id, budget_id, plan_id, start_date, frequency, collection, financial_assessment_id,
                                        weekly_contribution_pence, gross_annual_pence, contribution_annual_pence, net_annual_pence, created_at)
        select ${id(7)}, p.council_id, ${id(4)}, ${id(5)}, p.start, t.frequency, t.collection, ${id(3)},
               t.weekly_contribution_pence, t.gross_annual_pence, t.contribution_annual_pence, t.net_annual_pence, ${when}
        ${from} join payment_agreements t on t.budget_id = st.budget_id`,
  );
  await clone(
    'payment instalments',
    sql`insert into payment_instalments (council_id, agreement_id, funder, number, due_date, amount_pence)
        select p.council_id, ${id(7)}, i.funder, i.number, (p.start + make_interval(months => i.number - 1))::date, i.amount_pence
        ${from} join payment_agreements t on t.budget_id = st.budget_id join payment_instalments i on i.agreement_id = t.id`,
  );
  await clone(
    'direct payment agreements',
    sql`insert into direct_payment_agreements (id, council_id, budget_id, person_id, terms_version, terms_text, holder_type, holder_name,
                                               account_type, account_reference, accepted_on, accepted_by, status, created_by, created_at, updated_at)
        select ${id(8)}, p.council_id, ${id(4)}, ${id(1)}, t.terms_version, t.terms_text, t.holder_type, t.holder_name,
               t.account_type, '20-' || lpad((p.n % 10000)::text, 4, '0') || ' ' || lpad(p.n::text, 8, '0'), p.start, t.accepted_by, t.status,
               t.created_by, ${when}, ${when}
        ${from} join direct_payment_agreements t on t.budget_id = st.budget_id`,
  );
  await clone(
    'reviews',
    sql`insert into reviews (id, council_id, budget_id, person_id, kind, due_date, repeat_every_months, repeat_from, status, outcome, clawback,
                             completed_at, created_at, updated_at)
        select ${id(9, sql`r.sub`)}, p.council_id, ${id(4)}, ${id(1)}, r.kind, r.due_date + ${shift}, r.repeat_every_months,
               r.repeat_from + ${shift}, r.status, r.outcome, r.clawback, null, p.start::timestamptz, p.start::timestamptz
        ${from} join lateral (select t.*, (row_number() over (order by t.id))::int as sub from reviews t where t.budget_id = st.budget_id) r on true`,
  );

  // A year of ledger: for each month so far, the council's instalment (paid on its date), the
  // person's contribution where they pay one, and seven payments out of the account, council by
  // council so the progress shows.
  for (const council of councils) {
    await sql`
      insert into budget_transactions (id, council_id, budget_id, kind, direction, amount_pence, occurred_on, category, plan_line, managed_by,
                                       instalment_number, funder, description, created_by, created_at)
      select pg_temp.seed_id(10, p.n, (i.number * 16 + e.entry)::int, i.due_date), p.council_id, ${id(4)},
             e.kind, e.direction, e.amount, i.due_date + e.day, e.category, e.plan_line, e.managed_by,
             case when e.kind = 'council-payment' then i.number end, e.funder, null, 'seed', i.due_date::timestamptz
        from seed_people p
        join payment_instalments i on i.agreement_id = ${id(7)} and i.funder = 'council' and i.number <= p.months
        join payment_agreements pa on pa.id = i.agreement_id
        join support_plans sp on sp.budget_id = pa.budget_id and sp.status = 'approved'
        cross join lateral (
          select 'council-payment' as kind, 1::smallint as direction, i.amount_pence as amount, 0 as day, null::text as category,
                 null::int as plan_line, null::text as managed_by, 'council' as funder, 0 as entry
          union all
          select 'contribution', 1::smallint, round(pa.contribution_annual_pence / 12.0)::bigint, 2, null, null, null, 'person', 1
           where pa.contribution_annual_pence > 0
          union all
          select 'spend', -1::smallint, greatest(1, (i.amount_pence * 8 / 70))::bigint, 3 + s * 4, 'personal-assistant', 0,
                 sp.plan -> 'lines' -> 0 ->> 'managedBy', 'council', 1 + s
            from generate_series(1, 7) s
        ) e
       where p.council_id = ${council.id}`.execute(db);
  }
  lap('ledger');

  // Each person's story as events, numbered per council after what the API already wrote (and
  // numbered here, not by the sequencer: the seed runs alone).
  await numberEvents(db);
  await sql`
    with last as materialized (
      select c.id, coalesce((select max(e.seq) from events e where e.council_id = c.id), 0) as last from councils c
    )
    insert into events (council_id, seq, id, type, entity_type, entity_id, payload, occurred_at)
    select p.council_id, c.last + row_number() over (partition by p.council_id order by p.n, e.entry),
           pg_temp.seed_id(11, p.n, e.entry, p.start), e.type, e.entity_type, e.entity_id, jsonb_build_object('id', e.entity_id), p.start::timestamptz
      from seed_people p
      join last c on c.id = p.council_id
      cross join lateral (values
        (1, 'person.created', 'person', ${id(1)}),
        (2, 'assessment.agreed', 'assessment', ${id(2)}),
        (3, 'budget.created', 'budget', ${id(4)}),
        (4, 'budget.agreed', 'budget', ${id(4)}),
        (5, 'payment-agreement.created', 'payment-agreement', ${id(7)}),
        (6, 'review.scheduled', 'review', ${id(9, sql`1`)})
      ) as e(entry, type, entity_type, entity_id)`.execute(db);
  lap('events');
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
