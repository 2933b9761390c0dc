import { sql, type Transaction } from 'kysely';
import type { RevisionComparison, SupportPlan } from 'ras-core';
import type { DB, Db, PlanRevision } from '../db/schema.js';
import { newId } from '../ids.js';

export interface NewRevision {
  readonly planId: string;
  readonly budgetId: string;
  readonly personId: string;
  readonly status: PlanRevision['status'];
  readonly stage: PlanRevision['stage'];
  readonly effectiveFrom: string;
  readonly reason: string;
  readonly plan: SupportPlan;
  readonly previous: SupportPlan;
  readonly comparison: RevisionComparison;
  readonly decisions: PlanRevision['decisions'];
  readonly createdBy: string;
  readonly decidedAt: Date | null;
}

/** A plan's next revision, numbered after its last. */
export async function insertRevision(tx: Transaction<DB>, councilId: string, revision: NewRevision): Promise<PlanRevision> {
  const { rows } = await sql<{ next: number }>`
    select coalesce(max(number), 0) + 1 as next from plan_revisions where council_id = ${councilId} and plan_id = ${revision.planId}`.execute(
    tx,
  );
  return tx
    .insertInto('plan_revisions')
    .values({
      id: newId(),
      council_id: councilId,
      plan_id: revision.planId,
      budget_id: revision.budgetId,
      person_id: revision.personId,
      number: rows[0]?.next ?? 1,
      status: revision.status,
      stage: revision.stage,
      effective_from: revision.effectiveFrom,
      reason: revision.reason,
      plan: JSON.stringify(revision.plan),
      previous: JSON.stringify(revision.previous),
      comparison: JSON.stringify(revision.comparison),
      decisions: JSON.stringify(revision.decisions),
      created_by: revision.createdBy,
      decided_at: revision.decidedAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listRevisions(db: Db, councilId: string, planId: string): Promise<PlanRevision[]> {
  return db
    .selectFrom('plan_revisions')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('plan_id', '=', planId)
    .orderBy('number')
    .execute();
}

export function findRevision(db: Db, councilId: string, planId: string, number: number, options: { forUpdate?: boolean } = {}) {
  let query = db
    .selectFrom('plan_revisions')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('plan_id', '=', planId)
    .where('number', '=', number);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function findRevisionById(db: Db, councilId: string, id: string) {
  return db.selectFrom('plan_revisions').selectAll().where('council_id', '=', councilId).where('id', '=', id).executeTakeFirst();
}

export function updateRevision(
  tx: Transaction<DB>,
  councilId: string,
  id: string,
  change: { status: PlanRevision['status']; stage: PlanRevision['stage']; decisions: PlanRevision['decisions']; decidedAt: Date | null },
): Promise<PlanRevision> {
  return tx
    .updateTable('plan_revisions')
    .set({ status: change.status, stage: change.stage, decisions: JSON.stringify(change.decisions), decided_at: change.decidedAt })
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An approved revision as the money reads it: from when it runs, and the plan it replaced. */
export interface AppliedRevision {
  readonly effective_from: string;
  readonly previous: SupportPlan;
}

/** Each budget's approved revisions, earliest first. */
export async function appliedRevisionsOf(db: Db, councilId: string, budgetIds: readonly string[]): Promise<Map<string, AppliedRevision[]>> {
  const byBudget = new Map<string, AppliedRevision[]>();
  if (budgetIds.length === 0) return byBudget;
  const rows = await db
    .selectFrom('plan_revisions')
    .select(['budget_id', 'effective_from', 'previous'])
    .where('council_id', '=', councilId)
    .where('budget_id', 'in', [...new Set(budgetIds)])
    .where('status', '=', 'approved')
    .orderBy('budget_id')
    .orderBy('effective_from')
    .orderBy('number')
    .execute();
  for (const row of rows) {
    const list = byBudget.get(row.budget_id) ?? [];
    list.push({ effective_from: row.effective_from, previous: row.previous });
    byBudget.set(row.budget_id, list);
  }
  return byBudget;
}
