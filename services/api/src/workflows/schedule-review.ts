import type { Review } from '../db/schema.js';
import { invalidState, unprocessable } from '../errors.js';
import { insertReview } from '../repositories/reviews.js';
import { reviewEvent } from '../representations/reviews.js';
import type { WorkflowContext } from './context.js';
import { namedBudget } from './named-records.js';

/** Books an extra review of an agreed budget; only an interim review repeats (annual ones are booked a year apart already). */
export async function scheduleReview(
  context: WorkflowContext,
  input: { readonly budgetId: string; readonly kind: Review['kind']; readonly dueDate: string; readonly repeatEveryMonths?: number },
): Promise<Review> {
  const { tx, scope, changes } = context;
  const budget = await namedBudget(context, input.budgetId);
  if (budget.status !== 'agreed') throw invalidState(`Only an agreed budget is reviewed; this one is ${budget.status}`);
  if (input.repeatEveryMonths !== undefined && input.kind !== 'interim')
    throw unprocessable('INVALID_INPUT', 'Only interim reviews repeat; annual ones are booked a year apart already', [
      { pointer: '/repeatEveryMonths', detail: 'applies only to an interim review' },
    ]);
  const row = await insertReview(tx, scope.councilId, {
    budgetId: budget.id,
    personId: budget.person_id,
    kind: input.kind,
    dueDate: input.dueDate,
    repeatEveryMonths: input.repeatEveryMonths ?? null,
  });
  changes.record({ action: 'review.scheduled', entityType: 'review', entityId: row.id, after: reviewEvent(row) });
  return row;
}
