import { type Problem, RasError } from './errors.js';
import { type ExplanationStep, INPUT, step, traced } from './explanation.js';
import { assertPence, checkedPence, divide, formatPounds, type Pence } from './money.js';

/** What the Care Act 2014 non-residential charge is worked out from, all weekly except capital. */
export interface ContributionInput {
  readonly weeklyIncomePence: Pence;
  readonly capitalPence: Pence;
  readonly weeklyHousingCostsPence: Pence;
  readonly weeklyDisabilityRelatedExpenditurePence: Pence;
  readonly weeklyMinimumIncomeGuaranteePence: Pence;
  readonly weeklyCostOfCarePence: Pence;
}

/** The charging thresholds, parameters a council sets with effective dates. */
export interface ContributionRules {
  /** Capital at or below this is disregarded (default £14,250). */
  readonly lowerCapitalLimitPence: Pence;
  /** Capital above this means the person pays the full cost (default £23,250). */
  readonly upperCapitalLimitPence: Pence;
  /** Tariff income is charged per this much capital, or part of it (default £250). */
  readonly tariffStepPence: Pence;
  /** …at this much a week (default £1). */
  readonly tariffPerStepPence: Pence;
}

/** The thresholds in force in England since 2015. */
export const CARE_ACT_2014_RULES: ContributionRules = {
  lowerCapitalLimitPence: 1_425_000,
  upperCapitalLimitPence: 2_325_000,
  tariffStepPence: 25_000,
  tariffPerStepPence: 100,
};

/** A weekly contribution and how it was reached. */
export interface ContributionResult {
  readonly weeklyContributionPence: Pence;
  readonly tariffIncomePence: Pence;
  /** income + tariff − MIG − disability-related expenditure − housing, never below 0. */
  readonly assessableIncomePence: Pence;
  /** `true` when capital is above the upper limit, so the person pays the full cost of care. */
  readonly fullCost: boolean;
  readonly explanation: readonly ExplanationStep[];
}

/**
 * Works out the weekly contribution under Care Act 2014 non-residential charging: capital over
 * the upper limit means the full cost; between the limits, tariff income of £1 a week per £250 or
 * part; the charge is min(cost of care, max(0, income + tariff − MIG − DRE − housing costs)).
 *
 * @param input - weekly income, capital and allowances
 * @param rules - the thresholds (default {@link CARE_ACT_2014_RULES})
 * @returns the weekly contribution with its explanation
 * @throws RasError `INVALID_MONEY` naming any amount that is not whole pence, 0 to £1bn;
 *   `INVALID_CHARGING_RULES` when the lower capital limit is above the upper one or the tariff step is £0
 * @example
 * ```ts
 * const result = calculateContribution({
 *   weeklyIncomePence: 30_000, capitalPence: 1_500_000, weeklyHousingCostsPence: 0,
 *   weeklyDisabilityRelatedExpenditurePence: 2_000, weeklyMinimumIncomeGuaranteePence: 22_800,
 *   weeklyCostOfCarePence: 40_000,
 * });
 * result.tariffIncomePence; // 300 (£3: £750 above £14,250 is 3 steps of £250)
 * result.weeklyContributionPence; // 5_500
 * ```
 */
export function calculateContribution(
  input: ContributionInput,
  rules: ContributionRules = CARE_ACT_2014_RULES,
  source = 'charging rules care-act-2014',
): ContributionResult {
  const income = assertPence(input.weeklyIncomePence, '/weeklyIncomePence');
  const capital = assertPence(input.capitalPence, '/capitalPence');
  const housing = assertPence(input.weeklyHousingCostsPence, '/weeklyHousingCostsPence');
  const dre = assertPence(input.weeklyDisabilityRelatedExpenditurePence, '/weeklyDisabilityRelatedExpenditurePence');
  const mig = assertPence(input.weeklyMinimumIncomeGuaranteePence, '/weeklyMinimumIncomeGuaranteePence');
  const cost = assertPence(input.weeklyCostOfCarePence, '/weeklyCostOfCarePence');
  const lower = assertPence(rules.lowerCapitalLimitPence, '/rules/lowerCapitalLimitPence');
  const upper = assertPence(rules.upperCapitalLimitPence, '/rules/upperCapitalLimitPence');
  const stepPence = assertPence(rules.tariffStepPence, '/rules/tariffStepPence');
  const perStep = assertPence(rules.tariffPerStepPence, '/rules/tariffPerStepPence');
  const problems: Problem[] = [];
  if (lower > upper)
    problems.push({
      pointer: '/rules/lowerCapitalLimitPence',
      detail: `must not be above the upper capital limit (${formatPounds(upper)}); are the limits the wrong way round?`,
    });
  if (stepPence === 0)
    problems.push({ pointer: '/rules/tariffStepPence', detail: 'must be above £0: tariff income is £X a week per step' });
  if (problems.length > 0) throw new RasError('INVALID_CHARGING_RULES', problems);

  if (capital > upper) {
    return {
      weeklyContributionPence: cost,
      tariffIncomePence: 0,
      assessableIncomePence: 0,
      fullCost: true,
      explanation: [
        step(
          'capital',
          `Capital of ${formatPounds(capital)} is above the upper limit of ${formatPounds(upper)}.`,
          capital,
          'pence',
          'charge.capital-above-upper-limit',
          [traced(INPUT, 'capitalPence', capital), traced(source, 'capital.upperCapitalLimitPence', upper)],
        ),
        step(
          'contribution',
          `So you pay the full weekly cost of your care: ${formatPounds(cost)} a week.`,
          cost,
          'pence',
          'charge.full-cost',
          [traced(INPUT, 'weeklyCostOfCarePence', cost)],
        ),
      ],
    };
  }
  const steps = capital > lower ? divide(capital - lower, stepPence, 'up') : 0;
  const tariff = checkedPence(steps * perStep, '/tariffIncomePence');
  const assessable = Math.max(0, checkedPence(income + tariff, '/assessableIncomePence') - mig - dre - housing);
  const weekly = Math.min(cost, assessable);
  const explanation: ExplanationStep[] = [
    step('income', `Weekly income: ${formatPounds(income)}.`, income, 'pence', 'charge.income', [
      traced(INPUT, 'weeklyIncomePence', income),
    ]),
  ];
  explanation.push(
    capital > lower
      ? step(
          'tariff',
          `Capital of ${formatPounds(capital)} is ${formatPounds(capital - lower)} above ${formatPounds(lower)}: ${steps} × ${formatPounds(perStep)} for each ${formatPounds(stepPence)} or part = ${formatPounds(tariff)} a week tariff income.`,
          tariff,
          'pence',
          'charge.tariff-income',
          [
            traced(INPUT, 'capitalPence', capital),
            traced(source, 'capital.lowerCapitalLimitPence', lower),
            traced(source, 'capital.tariffStepPence', stepPence),
            traced(source, 'capital.tariffPerStepPence', perStep),
          ],
        )
      : step(
          'tariff',
          `Capital of ${formatPounds(capital)} is not above ${formatPounds(lower)}, so it is disregarded.`,
          0,
          'pence',
          'charge.tariff-income',
          [traced(INPUT, 'capitalPence', capital), traced(source, 'capital.lowerCapitalLimitPence', lower)],
        ),
  );
  explanation.push(
    step(
      'allowances',
      `Less the Minimum Income Guarantee ${formatPounds(mig)}, disability-related expenditure ${formatPounds(dre)} and housing costs ${formatPounds(housing)}.`,
      mig + dre + housing,
      'pence',
      'charge.allowances',
      [
        traced(INPUT, 'weeklyMinimumIncomeGuaranteePence', mig),
        traced(INPUT, 'weeklyDisabilityRelatedExpenditurePence', dre),
        traced(INPUT, 'weeklyHousingCostsPence', housing),
      ],
    ),
    step(
      'assessable-income',
      `Income that can be charged: ${formatPounds(assessable)} a week.`,
      assessable,
      'pence',
      'charge.assessable-income',
    ),
    step(
      'contribution',
      weekly < assessable
        ? `The charge is capped at the weekly cost of care: ${formatPounds(weekly)} a week.`
        : `Your weekly contribution is ${formatPounds(weekly)}.`,
      weekly,
      'pence',
      'charge.contribution',
      [traced(INPUT, 'weeklyCostOfCarePence', cost)],
    ),
  );
  return { weeklyContributionPence: weekly, tariffIncomePence: tariff, assessableIncomePence: assessable, fullCost: false, explanation };
}
