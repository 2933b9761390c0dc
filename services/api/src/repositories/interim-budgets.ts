import type { Transaction } from 'kysely';
import type { Scope } from '../auth/roles.js';
import { visibleTo } from '../db/portal-scope.js';
import type { DB, Db, InterimBudget, InterimPayment } from '../db/schema.js';
import { newId } from '../ids.js';

export function findInterimBudget(
  db: Db,
  scope: Scope,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<InterimBudget | undefined> {
  let query = visibleTo(db, 'interim_budgets', scope).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function listInterimBudgets(db: Db, scope: Scope, personId: string | undefined, after: string | null, limit: number) {
  let query = visibleTo(db, 'interim_budgets', scope);
  if (personId !== undefined) query = query.where('person_id', '=', personId);
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}

export function activeInterimFor(db: Db, councilId: string, personId: string) {
  return db
    .selectFrom('interim_budgets')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('person_id', '=', personId)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

export function insertInterimBudget(
  tx: Transaction<DB>,
  councilId: string,
  fields: Pick<
    InterimBudget,
    'person_id' | 'reason' | 'weekly_pence' | 'start_date' | 'end_date' | 'total_pence' | 'review_on' | 'created_by'
  >,
): Promise<InterimBudget> {
  return tx
    .insertInto('interim_budgets')
    .values({ id: newId(), council_id: councilId, status: 'active', reviews: '[]', ...fields })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateInterimBudget(
  tx: Transaction<DB>,
  councilId: string,
  id: string,
  change: Partial<Pick<InterimBudget, 'status' | 'end_date' | 'total_pence' | 'review_on' | 'reconciled_into'>> & {
    updatedAt: Date;
    reviews?: InterimBudget['reviews'];
    reconciliation?: { budgetId: string; carriedPence: number; keptPence: number; payments: string[] };
  },
): Promise<InterimBudget> {
  const { reviews, reconciliation, updatedAt, ...rest } = change;
  return tx
    .updateTable('interim_budgets')
    .set((eb) => ({
      ...rest,
      ...(reviews === undefined ? {} : { reviews: JSON.stringify(reviews) }),
      ...(reconciliation === undefined ? {} : { reconciliation: JSON.stringify(reconciliation) }),
      version: eb('version', '+', 1),
      updated_at: updatedAt,
    }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The payments of each of a page of interim budgets, in one read (each budget's in the order paid). */
export async function paymentsOfInterimBudgets(
  db: Db,
  councilId: string,
  interimIds: readonly string[],
): Promise<Map<string, InterimPayment[]>> {
  const byInterim = new Map<string, InterimPayment[]>(interimIds.map((id) => [id, []]));
  if (interimIds.length === 0) return byInterim;
  const rows = await db
    .selectFrom('interim_payments')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('interim_id', 'in', [...interimIds])
    .orderBy('paid_on')
    .orderBy('id')
    .execute();
  for (const row of rows) byInterim.get(row.interim_id)?.push(row);
  return byInterim;
}

export function interimPayments(db: Db, councilId: string, interimId: string): Promise<InterimPayment[]> {
  return db
    .selectFrom('interim_payments')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('interim_id', '=', interimId)
    .orderBy('paid_on')
    .orderBy('id')
    .execute();
}

export function insertInterimPayment(
  tx: Transaction<DB>,
  councilId: string,
  fields: Pick<InterimPayment, 'interim_id' | 'amount_pence' | 'paid_on' | 'payee_reference' | 'created_by'>,
): Promise<InterimPayment> {
  return tx
    .insertInto('interim_payments')
    .values({ id: newId(), council_id: councilId, ...fields })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function markCarried(tx: Transaction<DB>, councilId: string, carried: readonly { id: string; transactionId: string }[]) {
  for (const payment of carried)
    await tx
      .updateTable('interim_payments')
      .set({ carried_transaction_id: payment.transactionId })
      .where('council_id', '=', councilId)
      .where('id', '=', payment.id)
      .execute();
}
