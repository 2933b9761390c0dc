import { type AccountSummary, type ClawbackAgreement, type ClawbackRule, DEFAULT_CLAWBACK } from 'ras-core';
import type { AllocationScheme, Budget, ClawbackInputs, PaymentAgreement } from '../db/schema.js';

/** The scheme's clawback rule (seed 002's 20% when it names none) and where it is published, for the trace. */
export function schemeClawbackRule(scheme: Pick<AllocationScheme, 'key' | 'version' | 'definition'> | undefined): {
  rule: ClawbackRule;
  weeksPerYear: number;
  source: string;
} {
  return {
    rule: scheme?.definition.clawback ?? DEFAULT_CLAWBACK,
    weeksPerYear: scheme?.definition.weeksPerYear ?? 52,
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
