import type { Kysely } from 'kysely';
import { costSupportPlan, panelChecklist, type SupportPlan } from 'ras-core';
import type { Scope } from '../auth/roles.js';
import type { Budget, DB, PlanDecision, SupportPlanRow } from '../db/schema.js';
import { assertVersion, notFound } from '../errors.js';
import { iso } from '../http/iso.js';
import { findBudget } from '../repositories/budgets.js';
import { type CouncilSettings, councilSettings } from '../repositories/councils.js';
import { financialAssessmentInForce } from '../repositories/financial-assessments.js';
import { findPlan, listDecisions } from '../repositories/support-plans.js';

export interface PlanContext {
  readonly budget: Budget;
  readonly decisions: readonly PlanDecision[];
  readonly financialAssessmentDone: boolean;
  readonly paymentFrequency: 'monthly' | 'four-weekly';
}

/** Costs the plan against its budget and runs the panel checklist (ras-core does both). */
export function assess(plan: SupportPlan, context: Omit<PlanContext, 'decisions'>) {
  const calculation = context.budget.calculation;
  const costing = costSupportPlan(plan, {
    totalAnnualPence: context.budget.total_annual_pence,
    weeksCovered: calculation.weeksCovered,
    weeksPerYear: calculation.weeksPerYear,
  });
  const checklist = panelChecklist(plan, costing, {
    financialAssessmentDone: context.financialAssessmentDone,
    paymentFrequency: context.paymentFrequency,
  });
  return { costing, checklist };
}

export function toPlan(row: SupportPlanRow, context: PlanContext) {
  const plan = row.plan;
  const { costing, checklist: items } = assess(plan, context);
  // The panel's reason for approving past each failing item, from its approval.
  const approval = context.decisions.filter((decision) => decision.stage === 'panel' && decision.outcome === 'approve').at(-1);
  const panelReasons = approval?.checklist_reasons ?? {};
  const checklist = items.map((item) => ({ ...item, panelReason: panelReasons[item.key] ?? null }));
  return {
    id: row.id,
    budgetId: row.budget_id,
    personId: row.person_id,
    status: row.status,
    stage: row.stage,
    ...plan,
    costing,
    checklist,
    exception: row.exception,
    decisions: context.decisions.map((decision) => ({
      id: decision.id,
      stage: decision.stage,
      outcome: decision.outcome,
      reasons: decision.reasons,
      planVersion: decision.plan_version,
      decidedBy: decision.decided_by,
      actorName: decision.actor_name,
      checklistReasons: decision.checklist_reasons ?? null,
      decidedAt: iso(decision.decided_at),
    })),
    submittedAt: iso(row.submitted_at),
    decidedAt: iso(row.decided_at),
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function planEvent(row: SupportPlanRow) {
  return { id: row.id, budgetId: row.budget_id, personId: row.person_id, status: row.status, stage: row.stage, version: row.version };
}

/**
 * What a plan is shown with. A list passes the council's settings, read once for the page.
 */
export async function contextOf(db: Kysely<DB>, scope: Scope, row: SupportPlanRow, known?: CouncilSettings): Promise<PlanContext> {
  const budget = await findBudget(db, { councilId: scope.councilId, portalKeyId: null }, row.budget_id);
  if (!budget) throw new Error(`plan ${row.id} has lost its budget`);
  const [decisions, financial, settings] = await Promise.all([
    listDecisions(db, scope.councilId, [row.id]),
    financialAssessmentInForce(db, scope.councilId, row.person_id, budget.start_date),
    known ?? councilSettings(db, scope.councilId),
  ]);
  return { budget, decisions, financialAssessmentDone: financial !== undefined, paymentFrequency: settings.paymentFrequency };
}

/** A plan locked for a change, visible to the scope, at the version the client saw (If-Match). */
export async function lockPlan(tx: Kysely<DB>, scope: Scope, id: string, expected: number): Promise<SupportPlanRow> {
  const plan = await findPlan(tx, scope, id, { forUpdate: true });
  if (!plan) throw notFound('support plan', id);
  assertVersion(expected, plan.version);
  return plan;
}
