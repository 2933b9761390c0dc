import type { Transaction } from 'kysely';
import type { Scope } from '../auth/roles.js';
import { visibleTo } from '../db/portal-scope.js';
import type { Appeal, AppealUpdate, DB, Db } from '../db/schema.js';
import { newId } from '../ids.js';

function visibleAppeals(db: Db, scope: Scope) {
  return visibleTo(db, 'appeals', scope);
}

export interface NewAppeal {
  readonly personId: string;
  readonly subject: Appeal['subject'];
  readonly budgetId: string | null;
  readonly planId: string | null;
  readonly decisionId: string | null;
  readonly assessmentId?: string | null;
  readonly lodgedBy: Appeal['lodged_by'];
  readonly reason: string;
  readonly createdByKeyId: string | null;
}

export function insertAppeal(tx: Transaction<DB>, councilId: string, fields: NewAppeal): Promise<Appeal> {
  return tx
    .insertInto('appeals')
    .values({
      id: newId(),
      council_id: councilId,
      person_id: fields.personId,
      subject: fields.subject,
      budget_id: fields.budgetId,
      plan_id: fields.planId,
      decision_id: fields.decisionId,
      assessment_id: fields.assessmentId ?? null,
      lodged_by: fields.lodgedBy,
      reason: fields.reason,
      status: 'lodged',
      created_by_key_id: fields.createdByKeyId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findAppeal(db: Db, scope: Scope, id: string, options: { forUpdate?: boolean } = {}): Promise<Appeal | undefined> {
  let query = visibleAppeals(db, scope).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function updateAppeal(tx: Transaction<DB>, councilId: string, id: string, change: AppealUpdate, at: Date): Promise<Appeal> {
  return tx
    .updateTable('appeals')
    .set((eb) => ({ ...change, version: eb('version', '+', 1), updated_at: at }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listAppeals(
  db: Db,
  scope: Scope,
  filter: { personId?: string | undefined; status?: Appeal['status'] | undefined },
  after: string | null,
  limit: number,
): Promise<Appeal[]> {
  let query = visibleAppeals(db, scope);
  if (filter.personId !== undefined) query = query.where('person_id', '=', filter.personId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}
