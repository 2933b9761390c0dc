import type { Budget } from '../db/schema.js';
import { invalidState, notFound, unprocessable } from '../errors.js';
import { findBudget, updateBudget } from '../repositories/budgets.js';
import { budgetEvent } from '../representations/budgets.js';
import type { WorkflowContext } from './context.js';

/**
 * Ends an agreed budget on a date: the person moved away, died or no longer needs support. Its
 * account stays open for the last reconciliation and clawback; council instalments due after the
 * end date are not paid by any payment run, and the person's retention period counts from it.
 */
export async function endBudget(
  context: WorkflowContext,
  budgetId: string,
  /** Throws when the caller's If-Match does not match the budget's version. */
  checkVersion: (version: number) => void,
  endDate: string,
  reason: string,
): Promise<Budget> {
  const { tx, changes, scope } = context;
  const budget = await findBudget(tx, scope, budgetId, { forUpdate: true });
  if (!budget) throw notFound('budget', budgetId);
  checkVersion(budget.version);
  if (budget.status !== 'agreed') throw invalidState(`Only an agreed budget can end; this one is ${budget.status}`);
  if (endDate < budget.start_date)
    throw unprocessable('INVALID_INPUT', 'A budget cannot end before it starts', [
      { pointer: '/endDate', detail: `is before the start date ${budget.start_date}` },
    ]);
  const ended = await updateBudget(
    tx,
    scope.councilId,
    budget.id,
    { status: 'ended', end_date: endDate, end_reason: reason },
    context.clock.now(),
  );
  changes.record({
    action: 'budget.ended',
    entityType: 'budget',
    entityId: budget.id,
    before: budgetEvent(budget),
    after: { ...budgetEvent(ended), endDate, reason },
    event: { ...budgetEvent(ended), endDate },
  });
  return ended;
}
