import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import { listAccessEntries } from './access-log.js';
import { auditRowsAbout, eventsAbout, ledgerEntryIds, type PersonEntities, pairs } from './erasure.js';
import { afterRow } from './keyset.js';

type Row = Record<string, unknown>;

/** The tables a person's records live in, each with the column that ties a row to them. */
export type RecordTable =
  | 'assessments'
  | 'budgets'
  | 'support_plans'
  | 'plan_decisions'
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
