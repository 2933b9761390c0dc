import type { Review } from '../db/schema.js';
import { iso } from '../http/iso.js';

/** A review's event payload. */
export function reviewEvent(row: Review) {
  return {
    id: row.id,
    budgetId: row.budget_id,
    personId: row.person_id,
    kind: row.kind,
    dueDate: row.due_date,
    repeatEveryMonths: row.repeat_every_months,
    status: row.status,
    version: row.version,
  };
}

/** A review as the API shows it; overdue is judged on `today` (the service's clock). */
export function toReview(row: Review, today: string) {
  return {
    ...reviewEvent(row),
    overdue: row.status === 'scheduled' && row.due_date < today,
    outcome: row.outcome,
    clawback: row.clawback,
    completedAt: iso(row.completed_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
