import type { Appeal } from '../db/schema.js';
import { iso } from '../http/iso.js';

/** An appeal as the API shows it. */
export function toAppeal(row: Appeal) {
  return {
    id: row.id,
    personId: row.person_id,
    subject: row.subject,
    budgetId: row.budget_id,
    planId: row.plan_id,
    decisionId: row.decision_id,
    assessmentId: row.assessment_id,
    lodgedBy: row.lodged_by,
    reason: row.reason,
    status: row.status,
    decision: row.decision,
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** What audit records and events say of an appeal: what it disputes and where it stands, not its reasons. */
export function appealEvent(row: Appeal) {
  return {
    id: row.id,
    personId: row.person_id,
    subject: row.subject,
    budgetId: row.budget_id,
    planId: row.plan_id,
    status: row.status,
    version: row.version,
  };
}
