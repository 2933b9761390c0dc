import { COUNCIL_FUNDER, type FunderBalance, PERSON_FUNDER } from './account.js';
import { assertCalendarDate, type CalendarDate, daysBetween } from './dates.js';
import { fail } from './errors.js';
import { type ExplanationStep, INPUT, step, traced } from './explanation.js';
import {
  assertPence,
  checkedPence,
  formatHundredths,
  formatPounds,
  formatQuotient,
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
  /** Money spent from the account; give this or `unspentPence`. */
  readonly spentPence?: Pence;
  /**
   * What the account holds of this money now, instead of `spentPence`: it is the underspend, as
   * spending, refunds and adjustments (either way) all show in it.
   */
  readonly unspentPence?: number;
  /** How much underspend the person keeps. */
  readonly rule: ClawbackRule;
  /** Who paid `councilPaidPence`, for the explanation (default "the council"). */
  readonly funderName?: string;
  /** Where `rule` is published, for the trace, e.g. `scheme adults v3` (default `clawback rule`). */
  readonly ruleSource?: string;
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
  const held = input.unspentPence;
  if (held !== undefined && !Number.isSafeInteger(held)) fail('INVALID_MONEY', '/unspentPence', 'must be a whole number of pence');
  const spent = held === undefined ? assertPence(input.spentPence, '/spentPence') : 0;
  const perYear = weeksToHundredths(input.weeksPerYear ?? 52, '/weeksPerYear');
  if (perYear === 0) fail('INVALID_NUMBER', '/weeksPerYear', 'must be above 0');
  const period = input.periodWeeks === undefined ? perYear : weeksToHundredths(input.periodWeeks, '/periodWeeks');
  const paidIn = checkedPence(council + person, '/paidInPence');
  const underspend = Math.max(0, held ?? paidIn - spent);
  const due = input.contributionDuePence === undefined ? undefined : assertPence(input.contributionDuePence, '/contributionDuePence');
  const refund = due === undefined ? 0 : Math.min(underspend, Math.max(0, person - due));

  const ruleSource = input.ruleSource ?? 'clawback rule';
  const explanation: ExplanationStep[] = [
    step(
      'paid-in',
      `Paid into the account: ${formatPounds(council)} by ${input.funderName ?? 'the council'}${person > 0 ? ` and ${formatPounds(person)} by you` : ''}.`,
      paidIn,
      'pence',
      'clawback.paid-in',
      [traced('account', 'paidInPence', paidIn)],
    ),
    held === undefined
      ? step('spent', `Spent: ${formatPounds(spent)}.`, spent, 'pence', 'clawback.spent', [traced(INPUT, 'spentPence', spent)])
      : step(
          'spent',
          held <= paidIn
            ? `Spent, net of refunds and adjustments: ${formatPounds(paidIn - held)}.`
            : `Refunds and adjustments added ${formatPounds(held - paidIn)} more than was spent.`,
          paidIn - held,
          'pence',
          'clawback.spent',
          [traced('account', 'balancePence', held)],
        ),
    step(
      'underspend',
      `Unspent${held === undefined ? '' : ', what the account holds'}: ${formatPounds(underspend)}.`,
      underspend,
      'pence',
      'clawback.underspend',
    ),
  ];
  if (refund > 0) {
    explanation.push(
      step(
        'contribution-refund',
        `You paid ${formatPounds(refund)} more than your assessed contribution; it is refunded to you first.`,
        refund,
        'pence',
        'clawback.contribution-refund',
        [traced(INPUT, 'contributionDuePence', due ?? 0)],
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
        'clawback.allowance-percent',
        [
          traced(ruleSource, 'clawback.percent', rule.percent),
          traced(INPUT, 'annualPence', annual),
          traced(INPUT, 'periodWeeks', period / 100),
        ],
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
        'clawback.allowance-weeks',
        [traced(ruleSource, 'clawback.weeks', rule.weeks), traced(INPUT, 'annualPence', annual)],
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
        : `${capitalise(input.funderName ?? 'the council')} may reclaim ${formatPounds(clawback)}${clawback < excess ? `, no more than the ${formatPounds(council)} it paid in` : ''}.`,
      clawback,
      'pence',
      'clawback.recommended',
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

function contributionDueText(annual: Pence, period: number, perYear: number, due: Pence): string {
  const whole = `Your agreed contribution for the weeks your budget covers is ${formatPounds(annual)}`;
  if (period === perYear) return `${whole}.`;
  const exact = formatQuotient(annual, period, perYear);
  return `${whole}; for the ${formatHundredths(period)} of ${formatHundredths(perYear)} weeks reviewed, ${formatPounds(annual)} × ${formatHundredths(period)} ÷ ${formatHundredths(perYear)} = ${exact.text}${exact.exact ? '' : `, which is ${formatPounds(due)} to the nearest penny`}.`;
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A funding stream's part in the agreement: what it pays for the budget year and the rule for its underspend. */
export interface StreamAgreement {
  readonly key: string;
  readonly name?: string;
  readonly annualPence: Pence;
  /** How much of this stream's underspend the person keeps (default: the scheme's rule). */
  readonly rule?: ClawbackRule;
}

/** What was agreed for a budget year, as the annual clawback needs it. */
export interface ClawbackAgreement {
  readonly startDate: CalendarDate;
  /** Weeks in the budget year (default 52). */
  readonly weeksPerYear?: number;
  /** The council's share for the weeks the budget covers, the person's contribution included. */
  readonly councilAnnualPence: Pence;
  /** The contribution agreed for the weeks the budget covers (never more than the council's share). */
  readonly annualContributionPence: Pence;
  /** The scheme's rule, for the council's money. */
  readonly rule: ClawbackRule;
  /** Other funders paying through the council. */
  readonly streams?: readonly StreamAgreement[];
  /** Where `rule` is published, for the trace, e.g. `scheme adults v3` (default `clawback rule`). */
  readonly ruleSource?: string;
}

/** One other funder's underspend at the annual review. */
export interface FunderClawback extends ClawbackResult {
  readonly funder: string;
  readonly name: string;
  readonly annualPence: Pence;
  readonly rule: ClawbackRule;
}

/** The annual review's clawback recommendation: the council's money with the person's contribution, then each other funder's. */
export interface AnnualClawback extends ClawbackResult {
  /** Weeks of the budget year the review covers (whole days ÷ 7, to 2 places, rounded down; at most a year). */
  readonly periodWeeks: number;
  readonly weeksPerYear: number;
  /** The council's share the allowance is a share of. */
  readonly annualPence: Pence;
  readonly rule: ClawbackRule;
  /** The agreed contribution for the weeks covered: annual contribution × period ÷ year. */
  readonly contributionDuePence: Pence;
  readonly funders: readonly FunderClawback[];
  /** The council's clawback plus every other funder's. */
  readonly totalClawbackPence: Pence;
}

/**
 * Works out the clawback at the annual review from what was agreed and the account. The person's
 * contribution due is the agreed contribution for the weeks the budget covers, pro-rata for the
 * part of the budget year the review covers (so a 14-week budget reviewed after a year owes 14
 * weeks of contribution, not 52). The council's money and the contribution are one pot, as the
 * contribution pays part of the council's share; each other funder's money is its own pot with
 * its own rule. Spending is shared between funders as {@link summariseAccount} shares it.
 *
 * @param agreement - the budget year's agreed figures and rules
 * @param account - the account, from {@link summariseAccount} (only each funder's money in and balance is read)
 * @param reviewDate - the date of the review
 * @returns the recommendation, explained, for finance to confirm, reduce or waive
 * @throws RasError `INVALID_DATE`, `INVALID_MONEY` or `INVALID_NUMBER` for bad inputs
 * @example
 * ```ts
 * // 14 weeks at £25 a week: £350 due; the person paid £450, so £100 comes back to them first.
 * annualClawback(
 *   { startDate: '2026-09-01', councilAnnualPence: 1_135_769, annualContributionPence: 35_000, rule: { type: 'percent', percent: 20 } },
 *   account, '2027-09-01',
 * ).contributionRefundPence; // 10_000
 * ```
 */
export function annualClawback(
  agreement: ClawbackAgreement,
  account: { readonly funders: readonly Pick<FunderBalance, 'funder' | 'paidInPence' | 'balancePence'>[] },
  reviewDate: CalendarDate,
): AnnualClawback {
  const perYear = weeksToHundredths(agreement.weeksPerYear ?? 52, '/weeksPerYear');
  if (perYear === 0) fail('INVALID_NUMBER', '/weeksPerYear', 'must be above 0');
  assertCalendarDate(agreement.startDate, '/startDate');
  assertCalendarDate(reviewDate, '/reviewDate');
  const annualContribution = assertPence(agreement.annualContributionPence, '/annualContributionPence');
  const days = Math.max(0, daysBetween(agreement.startDate, reviewDate));
  const period = Math.min(multiplyDivide(days, 100, 7, 'down'), perYear);
  const due = multiplyDivide(annualContribution, period, perYear, 'half-up');
  const pot = (funder: string) => account.funders.find((f) => f.funder === funder);
  const council = pot(COUNCIL_FUNDER);
  const person = pot(PERSON_FUNDER);
  const councilPaid = council?.paidInPence ?? 0;
  const personPaid = person?.paidInPence ?? 0;
  const held = (council?.balancePence ?? 0) + (person?.balancePence ?? 0);
  const main = calculateClawback({
    annualPence: agreement.councilAnnualPence,
    periodWeeks: period / 100,
    weeksPerYear: perYear / 100,
    councilPaidPence: councilPaid,
    personPaidPence: personPaid,
    contributionDuePence: due,
    // What is unspent is what the pot holds: spending, refunds and adjustments all show there.
    unspentPence: held,
    rule: agreement.rule,
    ...(agreement.ruleSource === undefined ? {} : { ruleSource: agreement.ruleSource }),
  });
  const explanation = [
    step(
      'period',
      `The review on ${reviewDate} covers ${formatHundredths(period)} weeks of the budget year that began on ${agreement.startDate}.`,
      period,
      'weeks',
      'clawback.period',
      [traced(INPUT, 'startDate', agreement.startDate), traced(INPUT, 'reviewDate', reviewDate)],
    ),
    step('contribution-due', contributionDueText(annualContribution, period, perYear, due), due, 'pence', 'clawback.contribution-due', [
      traced(INPUT, 'annualContributionPence', annualContribution),
    ]),
    ...main.explanation,
  ];
  const funders: FunderClawback[] = (agreement.streams ?? []).flatMap((stream, index) => {
    const balance = pot(stream.key);
    if (!balance || balance.paidInPence === 0) return [];
    const name = stream.name ?? stream.key;
    const rule = stream.rule ?? agreement.rule;
    const result = calculateClawback({
      annualPence: assertPence(stream.annualPence, `/streams/${index}/annualPence`),
      periodWeeks: period / 100,
      weeksPerYear: perYear / 100,
      councilPaidPence: balance.paidInPence,
      unspentPence: balance.balancePence,
      rule,
      funderName: name,
      ruleSource: stream.rule ? `funding stream ${stream.key}` : (agreement.ruleSource ?? 'clawback rule'),
    });
    return [{ funder: stream.key, name, annualPence: stream.annualPence, rule, ...result }];
  });
  const total = funders.reduce((sum, funder) => sum + funder.clawbackPence, main.clawbackPence);
  return {
    ...main,
    explanation,
    periodWeeks: period / 100,
    weeksPerYear: perYear / 100,
    annualPence: agreement.councilAnnualPence,
    rule: agreement.rule,
    contributionDuePence: due,
    funders,
    totalClawbackPence: total,
  };
}
