import type { Kysely, Transaction } from 'kysely';
import type { Scope } from '../auth/roles.js';
import { visibleTo } from '../db/portal-scope.js';
import type { DB, PlanDecision, PlanStage, SupportPlanRow, SupportPlanUpdate } from '../db/schema.js';
import { newId } from '../ids.js';

type Db = Kysely<DB> | Transaction<DB>;

function visiblePlans(db: Db, scope: Scope) {
  return visibleTo(db, 'support_plans', scope);
}

export function insertPlan(
  tx: Transaction<DB>,
  councilId: string,
  fields: { budgetId: string; personId: string; plan: unknown; createdByKeyId: string | null },
): Promise<SupportPlanRow> {
  return tx
    .insertInto('support_plans')
    .values({
      id: newId(),
      council_id: councilId,
      budget_id: fields.budgetId,
      person_id: fields.personId,
      status: 'draft',
      stage: null,
      plan: JSON.stringify(fields.plan),
      created_by_key_id: fields.createdByKeyId,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findPlan(db: Db, scope: Scope, id: string, options: { forUpdate?: boolean } = {}): Promise<SupportPlanRow | undefined> {
  let query = visiblePlans(db, scope).where('id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export function updatePlan(
  tx: Transaction<DB>,
  councilId: string,
  id: string,
  change: SupportPlanUpdate,
  at: Date,
): Promise<SupportPlanRow> {
  return tx
    .updateTable('support_plans')
    .set((eb) => ({ ...change, version: eb('version', '+', 1), updated_at: at }))
    .where('council_id', '=', councilId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface PlanFilter {
  readonly budgetId?: string | undefined;
  readonly personId?: string | undefined;
  readonly status?: SupportPlanRow['status'] | undefined;
  readonly stage?: PlanStage | undefined;
}

export function listPlans(db: Db, scope: Scope, filter: PlanFilter, after: string | null, limit: number): Promise<SupportPlanRow[]> {
  let query = visiblePlans(db, scope);
  if (filter.budgetId !== undefined) query = query.where('budget_id', '=', filter.budgetId);
  if (filter.personId !== undefined) query = query.where('person_id', '=', filter.personId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.stage !== undefined) query = query.where('stage', '=', filter.stage);
  if (after !== null) query = query.where('id', '>', after);
  return query.orderBy('id').limit(limit).execute();
}

export function insertDecision(
  tx: Transaction<DB>,
  councilId: string,
  fields: {
    planId: string;
    stage: PlanStage;
    outcome: PlanDecision['outcome'];
    reasons: string;
    planVersion: number;
    decidedBy: string;
    actorName: string | null;
    checklistReasons?: Readonly<Record<string, string>> | null;
  },
): Promise<PlanDecision> {
  return tx
    .insertInto('plan_decisions')
    .values({
      id: newId(),
      council_id: councilId,
      plan_id: fields.planId,
      stage: fields.stage,
      outcome: fields.outcome,
      reasons: fields.reasons,
      plan_version: fields.planVersion,
      decided_by: fields.decidedBy,
      actor_name: fields.actorName,
      checklist_reasons: fields.checklistReasons ? JSON.stringify(fields.checklistReasons) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function listDecisions(db: Db, councilId: string, planIds: readonly string[]): Promise<PlanDecision[]> {
  if (planIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('plan_decisions')
    .selectAll()
    .where('council_id', '=', councilId)
    .where('plan_id', 'in', planIds)
    .orderBy('decided_at')
    .orderBy('id')
    .execute();
}

export function findDecision(db: Db, councilId: string, id: string): Promise<PlanDecision | undefined> {
  return db.selectFrom('plan_decisions').selectAll().where('council_id', '=', councilId).where('id', '=', id).executeTakeFirst();
}
