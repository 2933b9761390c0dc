import type { PlanRevision } from '../db/schema.js';
import { iso } from '../http/iso.js';

export function toRevision(row: PlanRevision) {
  return {
    id: row.id,
    planId: row.plan_id,
    budgetId: row.budget_id,
    personId: row.person_id,
    number: row.number,
    status: row.status,
    stage: row.stage,
    effectiveFrom: row.effective_from,
    reason: row.reason,
    plan: row.plan,
    previous: row.previous,
    comparison: row.comparison,
    decisions: row.decisions,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    decidedAt: row.decided_at === null ? null : iso(row.decided_at),
  };
}

export function revisionEvent(row: PlanRevision) {
  return {
    id: row.id,
    planId: row.plan_id,
    budgetId: row.budget_id,
    personId: row.person_id,
    number: row.number,
    status: row.status,
    effectiveFrom: row.effective_from,
    changePence: row.comparison.changePence,
  };
}
