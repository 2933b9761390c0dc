import { costSupportPlan, panelChecklist, type SupportPlan } from 'ras-core';
import type { PlanContext } from '../db/rows.js';
import type { SupportPlanRow } from '../db/schema.js';
import { iso } from '../http/iso.js';

export type { PlanContext };

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
