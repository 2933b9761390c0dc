import { type AccountSummary, type ClawbackAgreement, type ClawbackRule, DEFAULT_CLAWBACK } from 'ras-core';
import type { AllocationScheme, Budget, PaymentAgreement } from '../db/schema.js';

/**
 * What an annual review's clawback is worked out from, kept with the recommendation so the figure
 * can be worked out again later (verifyClawback) even after money has moved in the account.
 */
export interface ClawbackInputs {
  readonly agreement: ClawbackAgreement;
  readonly reviewDate: string;
  /** Each funder's money in and what the account held for it on the review date. */
  readonly funders: readonly { readonly funder: string; readonly paidInPence: number; readonly balancePence: number }[];
}

/** The scheme's clawback rule (seed 002's 20% when it names none) and where it is published, for the trace. */
export function schemeClawbackRule(scheme: Pick<AllocationScheme, 'key' | 'version' | 'definition'> | undefined): {
  rule: ClawbackRule;
  weeksPerYear: number;
  source: string;
} {
  const definition = (scheme?.definition ?? {}) as { clawback?: ClawbackRule; weeksPerYear?: number };
  return {
    rule: definition.clawback ?? DEFAULT_CLAWBACK,
    weeksPerYear: definition.weeksPerYear ?? 52,
    source: scheme ? `scheme ${scheme.key} v${scheme.version}` : 'clawback rule',
  };
}

/** The budget year's agreed figures as the annual clawback needs them. */
export function clawbackAgreement(
  budget: Budget,
  agreement: PaymentAgreement | undefined,
  scheme: Pick<AllocationScheme, 'key' | 'version' | 'definition'> | undefined,
): ClawbackAgreement {
  const { rule, weeksPerYear, source } = schemeClawbackRule(scheme);
  const streams = budget.calculation.streams ?? [];
  return {
    startDate: budget.start_date,
    weeksPerYear,
    councilAnnualPence: budget.council_annual_pence,
    annualContributionPence: agreement?.contribution_annual_pence ?? budget.annual_contribution_pence,
    rule,
    ruleSource: source,
    streams: streams
      .filter((stream) => stream.paysThroughCouncil !== false)
      .map((stream) => ({
        key: stream.key,
        name: stream.name,
        annualPence: stream.annualPence,
        ...(stream.clawback === undefined ? {} : { rule: stream.clawback }),
      })),
  };
}

/** The funders' figures the clawback reads, from an account summary. */
export function clawbackFunders(account: AccountSummary): ClawbackInputs['funders'] {
  return account.funders.map(({ funder, paidInPence, balancePence }) => ({ funder, paidInPence, balancePence }));
}
