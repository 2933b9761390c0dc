import { type Kysely, sql } from 'kysely';
import type { DB, Questionnaire } from '../db/schema.js';
import { listAccessEntries } from './access-log.js';
import { auditRowsAbout, eventsAbout, ledgerEntryIds, type PersonEntities, pairs } from './erasure.js';
import { numberEvents } from './events.js';
import { afterRow } from './keyset.js';

type Row = Record<string, unknown>;

/** The tables a person's records live in, each with the column that ties a row to them. */
export type RecordTable =
  | 'assessments'
  | 'budgets'
  | 'support_plans'
  | 'plan_decisions'
  | 'plan_revisions'
  | 'interim_budgets'
  | 'interim_payments'
  | 'financial_assessments'
  | 'payment_agreements'
  | 'payment_instalments'
  | 'direct_payment_agreements'
  | 'account_returns'
  | 'reviews'
  | 'appeals'
  | 'payment_run_items'
  | 'equality_monitoring'
  | 'person_external_ids';

/** Every row of `table` of the council whose `column` (a uuid) is one of `values`, in a stable order. */
export async function rowsWhere(
  db: Kysely<DB>,
  table: RecordTable,
  councilId: string,
  column: string,
  values: readonly string[],
): Promise<Row[]> {
  if (values.length === 0) return [];
  const order =
    table === 'payment_instalments' ? sql`agreement_id, funder, number` : table === 'person_external_ids' ? sql`system` : sql`1`;
  const { rows } = await sql<Row>`
    select * from ${sql.table(table)}
     where council_id = ${councilId} and ${sql.ref(column)} = any(${values}::uuid[])
     order by ${order}`.execute(db);
  return rows;
}

/** The people who care for this person (carers record whom they care for). */
export async function carersOf(db: Kysely<DB>, councilId: string, personId: string): Promise<Row[]> {
  const { rows } = await sql<Row>`
    select id, client_group, display_name, date_of_birth, erased_at from people
     where council_id = ${councilId} and cares_for_person_id = ${personId} order by id`.execute(db);
  return rows;
}

const PAGE = 1_000;

/** The person's ledger, oldest first, read a page at a time so ten years of rows are never all held. */
export async function* ledgerOf(db: Kysely<DB>, councilId: string, budgetIds: readonly string[]): AsyncGenerator<Row[]> {
  if (budgetIds.length === 0) return;
  for (let after: string | null = null; ; ) {
    let query = db.selectFrom('budget_transactions').selectAll().where('council_id', '=', councilId).where('budget_id', 'in', budgetIds);
    if (after !== null) query = query.where(afterRow('budget_transactions', 'occurred_on', after, councilId));
    const rows = await query.orderBy('occurred_on').orderBy('id').limit(PAGE).execute();
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE) return;
    after = (rows[rows.length - 1] as { id: string }).id;
  }
}

/**
 * The events about the person's records in feed order, a page at a time; then those about their
 * ledger entries, a page of entries at a time (in ledger-id order, each entry's in feed order).
 */
export async function* eventsOf(db: Kysely<DB>, councilId: string, entities: PersonEntities): AsyncGenerator<Row[]> {
  const { ids } = pairs(entities);
  // Events that committed a moment ago get their numbers first, so the section holds them too.
  await numberEvents(db);
  for (let after = 0; ; ) {
    const rows = await eventsAbout(db, councilId, ids, after, PAGE);
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE) break;
    after = Number((rows[rows.length - 1] as { seq: string }).seq);
  }
  for await (const page of ledgerEntryIds(db, councilId, entities.ids.budget ?? [])) {
    const rows = await eventsAbout(db, councilId, page, 0, Number.MAX_SAFE_INTEGER);
    if (rows.length > 0) yield rows;
  }
}

/** The audit trail of the person's records, oldest first, a page at a time; then of their ledger entries, as {@link eventsOf}. */
export async function* auditTrailOf(db: Kysely<DB>, councilId: string, entities: PersonEntities): AsyncGenerator<Row[]> {
  const records = pairs(entities);
  for (let after: string | null = null; ; ) {
    const rows = await auditRowsAbout(db, councilId, records, after, PAGE);
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE) break;
    after = (rows[rows.length - 1] as { id: string }).id;
  }
  for await (const page of ledgerEntryIds(db, councilId, entities.ids.budget ?? [])) {
    const rows = await auditRowsAbout(
      db,
      councilId,
      { types: page.map(() => 'budget-transaction'), ids: page },
      null,
      Number.MAX_SAFE_INTEGER,
    );
    if (rows.length > 0) yield rows;
  }
}

/** Who read the person's record, oldest first, a page at a time. */
export async function* readsOf(db: Kysely<DB>, councilId: string, personId: string): AsyncGenerator<Row[]> {
  for (let after: string | null = null; ; ) {
    const rows = await listAccessEntries(db, councilId, { personId }, after, PAGE);
    if (rows.length > 0)
      yield rows.map(({ at, key_id, actor_name, operation_id, what, entity_type, entity_id }) => ({
        at,
        key_id,
        actor_name,
        operation_id,
        what,
        entity_type,
        entity_id,
      }));
    if (rows.length < PAGE) return;
    after = (rows[rows.length - 1] as { id: string }).id;
  }
}

/** What the council's audits of direct payment accounts found of the person's accounts, with each audit's period. */
export async function directPaymentAuditsOf(db: Kysely<DB>, councilId: string, agreementIds: readonly string[]): Promise<Row[]> {
  if (agreementIds.length === 0) return [];
  const { rows } = await sql<Row>`
    select i.sample_id, s.period_from, s.period_to, i.agreement_id, i.reasons, i.balance_pence, i.threshold_pence,
           i.outcome, i.notes, i.recovery_pence, i.recovery_transaction_id, i.debt_pence, i.decided_by, i.decided_at
      from audit_sample_items i
      join audit_samples s on s.council_id = i.council_id and s.id = i.sample_id
     where i.council_id = ${councilId} and i.agreement_id = any(${agreementIds}::uuid[])
     order by s.period_from, i.sample_id`.execute(db);
  return rows;
}

/** What each uprating did, or would have done, to the person's budgets. */
export async function upratingsOf(db: Kysely<DB>, councilId: string, personId: string): Promise<Row[]> {
  const { rows } = await sql<Row>`
    select i.run_id, r.status as run_status, r.effective_from, r.created_at as run_created_at, i.budget_id, i.client_group,
           i.old_annual_pence, i.new_annual_pence, i.protected_pence, i.outcome, i.new_budget_id, i.review_id
      from uprating_run_items i
      join uprating_runs r on r.council_id = i.council_id and r.id = i.run_id
     where i.council_id = ${councilId} and i.person_id = ${personId}
     order by r.created_at, i.budget_id`.execute(db);
  return rows;
}

/** The desktop exercises (calibrations) with a case whose reference is one of the person's record-system ids. */
export async function desktopExercisesOf(db: Kysely<DB>, councilId: string, references: readonly string[]): Promise<Row[]> {
  if (references.length === 0) return [];
  const { rows } = await sql<Row>`
    select c.id as calibration_id, c.created_at, item.value as case
      from calibrations c
      cross join lateral jsonb_array_elements(c.result -> 'cases') as item(value)
     where c.council_id = ${councilId} and item.value ->> 'ref' = any(${references}::text[])
     order by c.created_at, c.id`.execute(db);
  return rows;
}

/** The words of the questionnaires the person's assessments used, by questionnaire id. */
export function questionnairesOfPerson(
  db: Kysely<DB>,
  councilId: string,
  personId: string,
): Promise<Pick<Questionnaire, 'id' | 'title' | 'definition'>[]> {
  return db
    .selectFrom('questionnaires')
    .select(['id', 'title', 'definition'])
    .where('council_id', '=', councilId)
    .where(
      'id',
      'in',
      db.selectFrom('assessments').select('questionnaire_id').where('council_id', '=', councilId).where('person_id', '=', personId),
    )
    .execute();
}

/** What went into and out of the person's budget accounts, by kind of entry: reversals and the entries they reverse left out. */
export async function ledgerTotalsOf(db: Kysely<DB>, councilId: string, budgetIds: readonly string[]): Promise<Map<string, number>> {
  if (budgetIds.length === 0) return new Map();
  const { rows } = await sql<{ kind: string; total: number }>`
    select t.kind, sum(t.amount_pence)::bigint as total from budget_transactions t
     where t.council_id = ${councilId} and t.budget_id = any(${budgetIds}::uuid[]) and t.kind <> 'reversal'
       and not exists (select 1 from budget_transactions r where r.council_id = t.council_id and r.kind = 'reversal' and r.reverses_id = t.id)
     group by t.kind`.execute(db);
  return new Map(rows.map((row) => [row.kind, Number(row.total)]));
}

/** How many times the person's record was read, and when last. */
export async function readCountOf(db: Kysely<DB>, councilId: string, personId: string): Promise<{ count: number; lastAt: string | null }> {
  const { rows } = await sql<{ count: number; last_at: Date | null }>`
    select count(*)::int as count, max(at) as last_at from access_log where council_id = ${councilId} and person_id = ${personId}`.execute(
    db,
  );
  const row = rows[0];
  return { count: row?.count ?? 0, lastAt: row?.last_at?.toISOString() ?? null };
}
