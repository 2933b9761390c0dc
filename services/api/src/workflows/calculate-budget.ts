import {
  type AllocationOptions,
  type Answers,
  allocateBudget,
  type FundingStream,
  scoreAnswers,
  type TransitionalProtection,
} from 'ras-core';
import type { CalculatedBudget } from '../db/schema.js';
import type { CompiledRules, LoadedQuestionnaire, LoadedScheme } from '../repositories/compiled-rules.js';

/** What a budget calculation takes besides the rules. */
export interface BudgetInput {
  readonly answers: Answers;
  readonly weeksAtHome?: number | undefined;
  readonly fundingStreams?: readonly FundingStream[] | undefined;
  readonly weeklyContributionPence?: number | undefined;
  readonly panelAmount?: { readonly annualPence: number; readonly reason: string } | undefined;
  readonly outsideQuestionnaire?: string | undefined;
  readonly transitionalProtection?: TransitionalProtection | undefined;
  /** Leave the explanation out (bulk re-runs that need only the figures). */
  readonly explain?: boolean | undefined;
}

/**
 * Scores answers and allocates the budget, naming the questionnaire and scheme versions used.
 * The maths is ras-core's; this only joins it to stored rules.
 */
export function calculateBudget(questionnaire: LoadedQuestionnaire, scheme: LoadedScheme, input: BudgetInput): CalculatedBudget {
  const score = scoreAnswers(questionnaire.compiled, input.answers);
  const options: { -readonly [K in keyof AllocationOptions]: AllocationOptions[K] } = {};
  if (input.weeksAtHome !== undefined) options.weeksAtHome = input.weeksAtHome;
  if (input.fundingStreams !== undefined) options.fundingStreams = input.fundingStreams;
  if (input.weeklyContributionPence !== undefined) options.weeklyContributionPence = input.weeklyContributionPence;
  if (input.panelAmount !== undefined) options.panelAmount = input.panelAmount;
  if (input.outsideQuestionnaire !== undefined) options.outsideQuestionnaire = input.outsideQuestionnaire;
  if (input.transitionalProtection !== undefined) options.transitionalProtection = input.transitionalProtection;
  if (input.explain !== undefined) options.explain = input.explain;
  // The budget is new and ours, so the versions are added to it rather than copied around it:
  // spreading its twenty fields into a new object cost more than allocating it.
  return Object.assign(allocateBudget(scheme.compiled, score, options), {
    questionnaire: { id: questionnaire.row.id, key: questionnaire.row.key, version: questionnaire.row.version },
    scheme: { id: scheme.row.id, key: scheme.row.key, version: scheme.row.version },
    complete: score.complete,
    missingQuestionKeys: score.missingQuestionKeys,
  });
}

export type { CalculatedBudget };

/**
 * The figures of a calculation without its sections and explanation, for `?view=summary`: what a
 * portal shows when it shows the amount. Named field by field (a rest copy of twenty-odd fields
 * cost more than the calculation); the tests check it equals the full answer less those two.
 */
function budgetSummary(calculation: CalculatedBudget) {
  return {
    scheme: calculation.scheme,
    questionnaire: calculation.questionnaire,
    totalPoints: calculation.totalPoints,
    complete: calculation.complete,
    missingQuestionKeys: calculation.missingQuestionKeys,
    method: calculation.method,
    band: calculation.band,
    belowFloor: calculation.belowFloor,
    fullYearPence: calculation.fullYearPence,
    weeksCovered: calculation.weeksCovered,
    weeksPerYear: calculation.weeksPerYear,
    rasAnnualPence: calculation.rasAnnualPence,
    panelAmount: calculation.panelAmount,
    outsideRas: calculation.outsideRas,
    transitionalProtection: calculation.transitionalProtection,
    streams: calculation.streams,
    totalAnnualPence: calculation.totalAnnualPence,
    councilAnnualPence: calculation.councilAnnualPence,
    weeklyContributionPence: calculation.weeklyContributionPence,
    annualContributionPence: calculation.annualContributionPence,
    netAnnualPence: calculation.netAnnualPence,
    referral: calculation.referral,
    referrals: calculation.referrals,
  };
}

/** A scheme version with the questionnaire it scores, ready to calculate with. */
export interface BudgetRules {
  readonly scheme: LoadedScheme;
  readonly questionnaire: LoadedQuestionnaire;
}

/** A council's scheme and its questionnaire, from the cache; `null` when the council has no such scheme. */
export async function budgetRules(rules: CompiledRules, councilId: string, schemeId: string): Promise<BudgetRules | null> {
  const scheme = await rules.scheme(councilId, schemeId);
  if (!scheme) return null;
  const questionnaire = await rules.questionnaire(councilId, scheme.row.questionnaire_id);
  if (!questionnaire) throw new Error(`scheme ${scheme.row.id} names a missing questionnaire`);
  return { scheme, questionnaire };
}

/** calculateBudget's and calculateBudgets' answer for one request: the whole calculation, or its summary. */
export function budgetAnswer(
  rules: BudgetRules,
  body: Pick<BudgetInput, 'answers' | 'weeksAtHome' | 'fundingStreams' | 'weeklyContributionPence'>,
  summary: boolean,
) {
  // The body's fields are named rather than spread: copying an object less one key was a
  // measurable part of calculateBudget's own time (BENCHMARKS.md, issue 16).
  const calculation = calculateBudget(rules.questionnaire, rules.scheme, {
    answers: body.answers,
    weeksAtHome: body.weeksAtHome,
    fundingStreams: body.fundingStreams,
    weeklyContributionPence: body.weeklyContributionPence,
    explain: !summary,
  });
  return summary ? budgetSummary(calculation) : calculation;
}
