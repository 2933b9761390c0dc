import { fail } from './errors.js';
import { type ExplanationStep, step } from './explanation.js';
import {
  assertPence,
  checkedPence,
  formatHundredths,
  formatPounds,
  multiplyDivide,
  type Pence,
  percentToBasisPoints,
  weeksToHundredths,
} from './money.js';
import type { ClawbackRule } from './scheme.js';

/** The figures of a budget year (or part year) at the annual review. */
export interface ClawbackInput {
  /** The annual budget the allowance is a share of. */
  readonly annualPence: Pence;
  /** Weeks the period under review lasted (default: weeks per year). */
  readonly periodWeeks?: number;
  /** Weeks in a budget year (default 52). */
  readonly weeksPerYear?: number;
  /** Money the council paid into the account. */
  readonly councilPaidPence: Pence;
  /** Contributions the person paid into the account (default 0). */
  readonly personPaidPence?: Pence;
  /**
   * The contribution the person owed for the period. When given, anything they paid above it is
   * refunded to them before any council money is recovered.
   */
  readonly contributionDuePence?: Pence;
  /** Money spent from the account. */
  readonly spentPence: Pence;
  /** How much underspend the person keeps. */
  readonly rule: ClawbackRule;
}

/** The clawback worked out at review: a recommendation for finance to confirm, reduce or waive. */
export interface ClawbackResult {
  readonly paidInPence: Pence;
  /** max(0, paid in − spent). */
  readonly underspendPence: Pence;
  /** The person's own overpaid contribution, returned to them first. */
  readonly contributionRefundPence: Pence;
  /** What the person may keep. */
  readonly allowancePence: Pence;
  /** min(council paid, max(0, underspend − refund − allowance)). */
  readonly clawbackPence: Pence;
  readonly explanation: readonly ExplanationStep[];
}

/**
 * Works out the clawback at an annual review: underspend = max(0, council paid + person paid −
 * spent); the allowance is a percentage of the annual budget pro-rata to the period (half-up) or
 * a number of weeks of it; clawback = min(council paid, max(0, underspend − allowance)).
 *
 * @param input - the money in and out and the scheme's rule
 * @returns underspend, allowance and clawback, explained
 * @throws RasError `INVALID_MONEY`, `INVALID_PERCENT` or `INVALID_NUMBER` for bad inputs
 * @example
 * ```ts
 * calculateClawback({ annualPence: 1_000_000, councilPaidPence: 1_000_000, spentPence: 700_000,
 *   rule: { type: 'percent', percent: 20 } }).clawbackPence; // 100_000
 * ```
 */
export function calculateClawback(input: ClawbackInput): ClawbackResult {
  const annual = assertPence(input.annualPence, '/annualPence');
  const council = assertPence(input.councilPaidPence, '/councilPaidPence');
  const person = input.personPaidPence === undefined ? 0 : assertPence(input.personPaidPence, '/personPaidPence');
  const spent = assertPence(input.spentPence, '/spentPence');
  const perYear = weeksToHundredths(input.weeksPerYear ?? 52, '/weeksPerYear');
  if (perYear === 0) fail('INVALID_NUMBER', '/weeksPerYear', 'must be above 0');
  const period = input.periodWeeks === undefined ? perYear : weeksToHundredths(input.periodWeeks, '/periodWeeks');
  const paidIn = checkedPence(council + person, '/paidInPence');
  const underspend = Math.max(0, paidIn - spent);
  const due = input.contributionDuePence === undefined ? undefined : assertPence(input.contributionDuePence, '/contributionDuePence');
  const refund = due === undefined ? 0 : Math.min(underspend, Math.max(0, person - due));

  const explanation: ExplanationStep[] = [
    step(
      'paid-in',
      `Paid into the account: ${formatPounds(council)} by the council${person > 0 ? ` and ${formatPounds(person)} by you` : ''}.`,
      paidIn,
      'pence',
    ),
    step('spent', `Spent: ${formatPounds(spent)}.`, spent, 'pence'),
    step('underspend', `Unspent: ${formatPounds(underspend)}.`, underspend, 'pence'),
  ];
  if (refund > 0) {
    explanation.push(
      step(
        'contribution-refund',
        `You paid ${formatPounds(refund)} more than your assessed contribution; it is refunded to you first.`,
        refund,
        'pence',
      ),
    );
  }
  let allowance: number;
  const rule = input.rule;
  if (rule.type === 'percent') {
    const basisPoints = percentToBasisPoints(rule.percent, '/clawback/percent');
    allowance = multiplyDivide(annual, basisPoints * period, 10_000 * perYear, 'half-up');
    const proRata = period === perYear ? '' : `, pro-rata for ${formatHundredths(period)} of ${formatHundredths(perYear)} weeks`;
    explanation.push(
      step(
        'allowance',
        `You may keep up to ${formatHundredths(basisPoints)}% of your ${formatPounds(annual)} annual budget${proRata}: ${formatPounds(allowance)}.`,
        allowance,
        'pence',
      ),
    );
  } else if (rule.type === 'weeks') {
    const weeks = weeksToHundredths(rule.weeks, '/clawback/weeks');
    allowance = multiplyDivide(annual, weeks, perYear, 'half-up');
    explanation.push(
      step(
        'allowance',
        `You may keep up to ${formatHundredths(weeks)} weeks of your ${formatPounds(annual)} annual budget: ${formatPounds(allowance)}.`,
        allowance,
        'pence',
      ),
    );
  } else {
    fail('INVALID_NUMBER', '/clawback/type', 'must be "percent" or "weeks"');
  }
  const excess = Math.max(0, underspend - refund - allowance);
  const clawback = Math.min(council, excess);
  explanation.push(
    step(
      'clawback',
      clawback === 0
        ? 'Nothing is reclaimed.'
        : `The council may reclaim ${formatPounds(clawback)}${clawback < excess ? `, no more than the ${formatPounds(council)} it paid in` : ''}.`,
      clawback,
      'pence',
    ),
  );
  return {
    paidInPence: paidIn,
    underspendPence: underspend,
    contributionRefundPence: refund,
    allowancePence: allowance,
    clawbackPence: clawback,
    explanation,
  };
}
