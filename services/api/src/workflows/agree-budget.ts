import { dayBefore, fundersOf, reviewDates, scheduleFunderPayments } from 'ras-core';
import type { SupportPlanRow } from '../db/schema.js';
import { invalidState } from '../errors.js';
import { insertAgreement } from '../repositories/budget-accounts.js';
import { budgetFigures, findBudget, updateBudget } from '../repositories/budgets.js';
import { councilSettings } from '../repositories/councils.js';
import { financialAssessmentInForce } from '../repositories/financial-assessments.js';
import { insertReviews } from '../repositories/reviews.js';
import { replacedByUprating } from '../repositories/uprating-runs.js';
import { budgetEvent } from '../representations/budgets.js';
import { reviewEvent } from '../representations/reviews.js';
import type { WorkflowContext } from './context.js';
import { recalculateBudget } from './recalculate-budget.js';

/**
 * What panel approval does, inside the decision's transaction: the budget becomes agreed from the
 * start date, with the contribution from the financial assessment in force then; a payment
 * agreement fixes gross, contribution and net and the instalments (adding up exactly); the first
 * and annual reviews are scheduled. Audit records and events go with each.
 */
export async function agreeBudget(context: WorkflowContext, plan: SupportPlanRow, startDate: string): Promise<void> {
  const { tx, changes, scope, clock } = context;
  const budget = await findBudget(tx, { councilId: scope.councilId, portalKeyId: null }, plan.budget_id, { forUpdate: true });
  if (!budget) throw new Error(`plan ${plan.id} has lost its budget`);
  if (budget.status !== 'indicative') throw invalidState(`The budget is already ${budget.status}`);
  const settings = await councilSettings(tx, scope.councilId);
  const financial = await financialAssessmentInForce(tx, scope.councilId, budget.person_id, startDate);
  const weekly = financial?.weekly_contribution_pence ?? 0;
  const calculation = await recalculateBudget(context, budget, { weeklyContributionPence: weekly });
  const agreed = await updateBudget(
    tx,
    scope.councilId,
    budget.id,
    {
      status: 'agreed',
      start_date: startDate,
      agreed_at: clock.now(),
      ...budgetFigures(calculation),
    },
    clock.now(),
  );
  changes.record({
    action: 'budget.agreed',
    entityType: 'budget',
    entityId: budget.id,
    before: budgetEvent(budget),
    after: budgetEvent(agreed),
  });
  // A budget an uprating made replaces the one it re-worked: that one ends the day before (its
  // account stays open for the last reconciliation and clawback).
  const replaced = await replacedByUprating(tx, scope.councilId, budget.id);
  if (replaced) {
    const old = await findBudget(tx, { councilId: scope.councilId, portalKeyId: null }, replaced, { forUpdate: true });
    if (old && old.status === 'agreed') {
      const ended = await updateBudget(tx, scope.councilId, old.id, { status: 'ended', end_date: dayBefore(startDate) }, clock.now());
      changes.record({
        action: 'budget.ended',
        entityType: 'budget',
        entityId: old.id,
        before: budgetEvent(old),
        after: { ...budgetEvent(ended), endDate: ended.end_date, replacedBy: budget.id },
      });
    }
  }

  const collection = budget.contribution_collection ?? settings.contributionCollection;
  // Net: the council pays its share less the contribution, which the person pays into the
  // account. Gross: the council pays its whole share and invoices the contribution.
  // Funding streams that pay through the council get their own instalments on the same dates.
  const instalments = scheduleFunderPayments(fundersOf(calculation, collection), startDate, { frequency: settings.paymentFrequency });
  const { agreement } = await insertAgreement(tx, scope.councilId, {
    budgetId: budget.id,
    planId: plan.id,
    startDate,
    frequency: settings.paymentFrequency,
    collection,
    financialAssessmentId: financial?.id ?? null,
    weeklyContributionPence: weekly,
    grossAnnualPence: calculation.councilAnnualPence,
    contributionAnnualPence: calculation.annualContributionPence,
    netAnnualPence: calculation.netAnnualPence,
    instalments,
  });
  changes.record({
    action: 'payment-agreement.created',
    entityType: 'payment-agreement',
    entityId: agreement.id,
    after: {
      id: agreement.id,
      budgetId: budget.id,
      startDate,
      collection,
      frequency: agreement.frequency,
      grossAnnualPence: agreement.gross_annual_pence,
      contributionAnnualPence: agreement.contribution_annual_pence,
      netAnnualPence: agreement.net_annual_pence,
      instalments: instalments.length,
      funders: [...new Set(instalments.map((instalment) => instalment.funder))],
    },
  });

  const reviews = await insertReviews(
    tx,
    scope.councilId,
    reviewDates(startDate, { firstAfterWeeks: settings.firstReviewAfterWeeks }).map((review) => ({
      budgetId: budget.id,
      personId: budget.person_id,
      kind: review.kind,
      dueDate: review.dueDate,
    })),
  );
  for (const review of reviews) {
    changes.record({
      action: 'review.scheduled',
      entityType: 'review',
      entityId: review.id,
      after: reviewEvent(review),
    });
  }
}
