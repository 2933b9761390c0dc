import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * The record-system ids of a person as `{ system: value }`, the shape `externalIds` has on a
 * person, keys in order of system (a CSV export writes it as that JSON object in one column).
 */
const externalIdsOf = (personColumn: string) =>
  sql<
    Record<string, string>
  >`(select coalesce(json_object_agg(x.system, x.value order by x.system), '{}'::json) from person_external_ids x where x.person_id = ${sql.ref(personColumn)})`;

interface Page {
  readonly councilId: string;
  readonly after: string | null;
  readonly limit: number;
  readonly since: Date | null;
}

/** One page of people, oldest first. */
export function peoplePage(db: Kysely<DB>, page: Page) {
  let query = db
    .selectFrom('people as p')
    .select([
      'p.id',
      'p.client_group',
      'p.display_name',
      'p.date_of_birth',
      'p.created_at',
      'p.updated_at',
      externalIdsOf('p.id').as('external_ids'),
    ])
    .where('p.council_id', '=', page.councilId);
  if (page.since) query = query.where('p.updated_at', '>=', page.since);
  if (page.after) query = query.where('p.id', '>', page.after);
  return query.orderBy('p.id').limit(page.limit).execute();
}

export function assessmentsPage(db: Kysely<DB>, page: Page) {
  let query = db
    .selectFrom('assessments as a')
    .innerJoin('questionnaires as q', 'q.id', 'a.questionnaire_id')
    .select([
      'a.id',
      'a.person_id',
      externalIdsOf('a.person_id').as('external_ids'),
      'q.key as questionnaire_key',
      'q.version as questionnaire_version',
      'a.status',
      'a.completed_with',
      'a.total_points',
      'a.score',
      'a.eligibility',
      'a.submitted_at',
      'a.agreed_at',
      'a.updated_at',
    ])
    .where('a.council_id', '=', page.councilId);
  if (page.since) query = query.where('a.updated_at', '>=', page.since);
  if (page.after) query = query.where('a.id', '>', page.after);
  return query.orderBy('a.id').limit(page.limit).execute();
}

export function budgetsPage(db: Kysely<DB>, page: Page) {
  let query = db
    .selectFrom('budgets as b')
    .innerJoin('allocation_schemes as s', 's.id', 'b.scheme_id')
    .select([
      'b.id',
      'b.person_id',
      externalIdsOf('b.person_id').as('external_ids'),
      'b.assessment_id',
      'b.status',
      'b.start_date',
      's.key as scheme_key',
      's.version as scheme_version',
      'b.ras_annual_pence',
      'b.panel_annual_pence',
      'b.total_annual_pence',
      'b.council_annual_pence',
      'b.annual_contribution_pence',
      'b.net_annual_pence',
      'b.referral',
      'b.agreed_at',
      'b.updated_at',
    ])
    .where('b.council_id', '=', page.councilId);
  if (page.since) query = query.where('b.updated_at', '>=', page.since);
  if (page.after) query = query.where('b.id', '>', page.after);
  return query.orderBy('b.id').limit(page.limit).execute();
}

/** Support plans (with their lines, expanded by the caller), oldest first. */
export function plansPage(db: Kysely<DB>, page: Page & { readonly approvedOnly?: boolean }) {
  let query = db
    .selectFrom('support_plans as p')
    .innerJoin('budgets as b', 'b.id', 'p.budget_id')
    .innerJoin('people as person', 'person.id', 'p.person_id')
    .select([
      'p.id',
      'p.budget_id',
      'p.person_id',
      externalIdsOf('p.person_id').as('external_ids'),
      'person.client_group',
      'p.status',
      'p.plan',
      'b.start_date',
      'b.end_date',
      'p.updated_at',
    ])
    .where('p.council_id', '=', page.councilId);
  if (page.approvedOnly) query = query.where('p.status', '=', 'approved');
  if (page.since) query = query.where('p.updated_at', '>=', page.since);
  if (page.after) query = query.where('p.id', '>', page.after);
  return query.orderBy('p.id').limit(page.limit).execute();
}

export function decisionsPage(db: Kysely<DB>, page: Page) {
  let query = db
    .selectFrom('plan_decisions as d')
    .innerJoin('support_plans as p', 'p.id', 'd.plan_id')
    .select([
      'd.id',
      'd.plan_id',
      'p.budget_id',
      'p.person_id',
      externalIdsOf('p.person_id').as('external_ids'),
      'd.stage',
      'd.outcome',
      'd.reasons',
      'd.decided_by',
      'd.decided_at',
    ])
    .where('d.council_id', '=', page.councilId);
  if (page.since) query = query.where('d.decided_at', '>=', page.since);
  if (page.after) query = query.where('d.id', '>', page.after);
  return query.orderBy('d.id').limit(page.limit).execute();
}

export function reviewsPage(db: Kysely<DB>, page: Page) {
  let query = db
    .selectFrom('reviews as r')
    .select([
      'r.id',
      'r.budget_id',
      'r.person_id',
      externalIdsOf('r.person_id').as('external_ids'),
      'r.kind',
      'r.due_date',
      'r.status',
      'r.outcome',
      'r.clawback',
      'r.updated_at',
    ])
    .where('r.council_id', '=', page.councilId);
  if (page.since) query = query.where('r.updated_at', '>=', page.since);
  if (page.after) query = query.where('r.id', '>', page.after);
  return query.orderBy('r.id').limit(page.limit).execute();
}

export function transactionsPage(db: Kysely<DB>, page: Page) {
  let query = db
    .selectFrom('budget_transactions as t')
    .select([
      't.id',
      't.budget_id',
      't.kind',
      't.direction',
      't.amount_pence',
      't.occurred_on',
      't.category',
      't.plan_line',
      't.managed_by',
      't.instalment_number',
      't.reverses_id',
      't.created_at',
    ])
    .where('t.council_id', '=', page.councilId);
  if (page.since) query = query.where('t.created_at', '>=', page.since);
  if (page.after) query = query.where('t.id', '>', page.after);
  return query.orderBy('t.id').limit(page.limit).execute();
}
