import type { Budget } from '../db/schema.js';
import { unprocessable } from '../errors.js';
import { findBudget, updateBudget } from '../repositories/budgets.js';
import { budgetEvent } from '../representations/budgets.js';
import type { WorkflowContext } from './context.js';
import { stateMachine, transition } from './transition.js';

/** A budget's end: an agreed budget ends on a date, with the reason (its later instalments are not paid). */
export const BUDGET = stateMachine({
  entity: 'budget',
  lock: (context, id) => findBudget(context.tx, context.scope, id, { forUpdate: true }),
  statusOf: (row: Budget) => row.status,
  eventOf: budgetEvent,
  personOf: (row: Budget) => row.person_id,
  steps: {
    end: {
      from: ['agreed'],
      to: 'ended',
      roles: ['admin', 'team-manager'],
      audit: 'budget.ended',
      refusal: (status) => `Only an agreed budget can end; this one is ${status}`,
    },
  },
});

/**
 * Ends an agreed budget on a date: the person moved away, died or no longer needs support. Its
 * account stays open for the last reconciliation and clawback; council instalments due after the
 * end date are not paid by any payment run, and the person's retention period counts from it.
 */
export function endBudget(
  context: WorkflowContext,
  budgetId: string,
  expectedVersion: number,
  endDate: string,
  reason: string,
): Promise<Budget> {
  const { tx, scope } = context;
  const target = { id: budgetId, expectedVersion };
  return transition(context, BUDGET, 'end', target, async (budget, status) => {
    if (endDate < budget.start_date)
      throw unprocessable('INVALID_INPUT', 'A budget cannot end before it starts', [
        { pointer: '/endDate', detail: `is before the start date ${budget.start_date}` },
      ]);
    const ended = await updateBudget(
      tx,
      scope.councilId,
      budget.id,
      { status, end_date: endDate, end_reason: reason },
      context.clock.now(),
    );
    return { after: ended, extra: { endDate, reason }, event: { ...budgetEvent(ended), endDate } };
  });
}
