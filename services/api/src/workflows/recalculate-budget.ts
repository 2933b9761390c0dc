import type { Kysely } from 'kysely';
import type { Budget, DB } from '../db/schema.js';
import { findAssessment } from '../repositories/assessments.js';
import { type CalculatedBudget, calculateBudget } from './calculate-budget.js';
import type { WorkflowContext } from './context.js';

/** What a recalculation may change; everything else comes from the budget as first calculated. */
export interface Recalculation {
  readonly weeklyContributionPence: number;
  readonly panelAmount?: { readonly annualPence: number; readonly reason: string } | undefined;
}

/**
 * Works a budget out again with ras-core from its assessment, scheme, weeks and funding streams,
 * with a new weekly contribution and (when the panel set one) an amount outside the RAS.
 */
export async function recalculateBudget(
  { tx, rules, scope }: Pick<WorkflowContext, 'rules' | 'scope'> & { readonly tx: Kysely<DB> },
  budget: Budget,
  change: Recalculation,
): Promise<CalculatedBudget> {
  const previous = budget.calculation;
  const assessment = await findAssessment(tx, { councilId: scope.councilId, portalKeyId: null }, budget.assessment_id);
  const scheme = await rules.scheme(scope.councilId, budget.scheme_id, tx);
  const questionnaire = assessment && (await rules.questionnaire(scope.councilId, assessment.questionnaire_id, tx));
  if (!assessment || !scheme || !questionnaire) throw new Error(`budget ${budget.id} has lost its assessment or rules`);
  const panelAmount =
    change.panelAmount ??
    (budget.panel_annual_pence === null ? undefined : { annualPence: budget.panel_annual_pence, reason: budget.panel_reason ?? '' });
  return calculateBudget(questionnaire, scheme, {
    answers: assessment.answers,
    weeksAtHome: previous.weeksCovered,
    fundingStreams: previous.streams,
    weeklyContributionPence: change.weeklyContributionPence,
    panelAmount,
    outsideQuestionnaire: previous.referrals?.find((referral) => referral.reason === 'needs-outside-questionnaire')?.coordinatorReason,
    // An uprated budget keeps the floor its transitional protection set (the same fall allowed).
    transitionalProtection: previous.transitionalProtection
      ? {
          previousAnnualPence: previous.transitionalProtection.previousAnnualPence,
          maxDecreasePence: previous.transitionalProtection.allowedDecreasePence,
        }
      : undefined,
  });
}
