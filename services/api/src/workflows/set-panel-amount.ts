import type { Budget } from '../db/schema.js';
import { invalidState } from '../errors.js';
import { budgetFigures, updateBudget } from '../repositories/budgets.js';
import { budgetEvent } from '../representations/budgets.js';
import type { WorkflowContext } from './context.js';
import { recalculateBudget } from './recalculate-budget.js';

/** Where the panel's amount came from: its decision on a referred plan, or an upheld appeal. */
export type PanelAmountSource = { readonly planDecision: true } | { readonly appealId: string };

/**
 * The Resource Allocation Panel sets an indicative budget's amount outside the RAS, with its
 * reasons: ras-core works the budget out again with that amount standing in for the RAS amount
 * (the RAS figure stays on it), and the change is recorded as `budget.panel-amount-set`.
 */
export async function setPanelAmount(
  context: Pick<WorkflowContext, 'tx' | 'rules' | 'scope' | 'changes' | 'clock'>,
  budget: Budget,
  amount: { readonly annualPence: number; readonly reasons: string },
  source: PanelAmountSource,
): Promise<Budget> {
  if (budget.status !== 'indicative') throw invalidState(`The budget is ${budget.status}: a new amount is set at its review`);
  const panelAmount = { annualPence: amount.annualPence, reason: amount.reasons };
  const calculation = await recalculateBudget(context, budget, {
    weeklyContributionPence: budget.calculation.weeklyContributionPence,
    panelAmount,
  });
  const after = await updateBudget(
    context.tx,
    context.scope.councilId,
    budget.id,
    {
      panel_annual_pence: amount.annualPence,
      panel_reason: amount.reasons,
      ...budgetFigures(calculation),
    },
    context.clock.now(),
  );
  context.changes.record({
    action: 'budget.panel-amount-set',
    entityType: 'budget',
    entityId: budget.id,
    before: budgetEvent(budget),
    after: { ...budgetEvent(after), ...source },
  });
  return after;
}
