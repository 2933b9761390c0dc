import type { Transaction } from 'kysely';
import type { Scope } from '../auth/roles.js';
import { visibleTo } from '../db/portal-scope.js';
import type { PlanContext } from '../db/rows.js';
import type { DB, Db, PlanDecision, PlanStage, SupportPlanRow, SupportPlanUpdate } from '../db/schema.js';
import { newId } from '../ids.js';
import { councilSettings } from './councils.js';

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

/**
 * What each plan of a page is shown with, in three statements however long the page: the plans'
 * budgets, each with whether a financial assessment was in force on its start date; every
 * decision on them; and the council's payment frequency.
 */
export async function findPlanContexts(db: Db, councilId: string, plans: readonly SupportPlanRow[]): Promise<Map<string, PlanContext>> {
  if (plans.length === 0) return new Map();
  const budgetIds = [...new Set(plans.map((plan) => plan.budget_id))];
  const [budgets, decisions, settings] = await Promise.all([
    db
      .selectFrom('budgets as b')
      .selectAll('b')
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('financial_assessments as f')
              .select('f.id')
              .whereRef('f.council_id', '=', 'b.council_id')
              .whereRef('f.person_id', '=', 'b.person_id')
              .whereRef('f.effective_from', '<=', 'b.start_date'),
          )
          .as('financial_assessment_done'),
      )
      .where('b.council_id', '=', councilId)
      .where('b.id', 'in', budgetIds)
      .execute(),
    listDecisions(
      db,
      councilId,
      plans.map((plan) => plan.id),
    ),
    councilSettings(db, councilId),
  ]);
  const budgetById = new Map(budgets.map(({ financial_assessment_done, ...budget }) => [budget.id, { budget, financial_assessment_done }]));
  const decisionsOf = new Map<string, PlanDecision[]>();
  for (const decision of decisions) decisionsOf.set(decision.plan_id, [...(decisionsOf.get(decision.plan_id) ?? []), decision]);
  const contexts = new Map<string, PlanContext>();
  for (const plan of plans) {
    const found = budgetById.get(plan.budget_id);
    if (!found) throw new Error(`plan ${plan.id} has lost its budget`);
    contexts.set(plan.id, {
      budget: found.budget,
      decisions: decisionsOf.get(plan.id) ?? [],
      financialAssessmentDone: Boolean(found.financial_assessment_done),
      paymentFrequency: settings.paymentFrequency,
    });
  }
  return contexts;
}

/** What one plan is shown with (see {@link findPlanContexts}). */
export async function findPlanContext(db: Db, councilId: string, plan: SupportPlanRow): Promise<PlanContext> {
  return (await findPlanContexts(db, councilId, [plan])).get(plan.id) as PlanContext;
}
