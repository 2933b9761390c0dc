import { assertCalendarDate, type CalendarDate, daysBetween } from './dates.js';
import { fail } from './errors.js';
import { type ExplanationStep, step } from './explanation.js';
import { assertPence, checkedPence, formatPounds, multiplyDivide, type Pence } from './money.js';

/** How long interim support may run before a plan is agreed, unless a council says otherwise. */
export const DEFAULT_INTERIM_MAX_WEEKS = 12;

/** An interim budget's money: a weekly amount for the days it runs. */
export interface InterimAmount {
  /** Days from start to end, both included. */
  readonly days: number;
  /** weekly × days ÷ 7, to the penny, half up. */
  readonly totalPence: Pence;
  readonly explanation: readonly ExplanationStep[];
}

/**
 * What a time-limited interim budget comes to: support in a crisis, before the plan is agreed
 * (seed 000: people are not left without support while their plan is written).
 *
 * @param weeklyPence - the weekly amount the coordinator sets
 * @param startDate - the first day
 * @param endDate - the last day (on or after the start; at most `maxWeeks` weeks on)
 * @param maxWeeks - the council's limit (default {@link DEFAULT_INTERIM_MAX_WEEKS})
 * @returns the days, the total and the explanation
 * @throws RasError `INVALID_DATE` for bad dates or a period past the limit, `INVALID_MONEY` for a bad amount
 * @example
 * ```ts
 * interimAmount(35_000, '2026-07-01', '2026-07-21').totalPence; // 105_000: £350 a week for 3 weeks
 * ```
 */
export function interimAmount(
  weeklyPence: Pence,
  startDate: CalendarDate,
  endDate: CalendarDate,
  maxWeeks = DEFAULT_INTERIM_MAX_WEEKS,
): InterimAmount {
  assertPence(weeklyPence, '/weeklyPence');
  assertCalendarDate(startDate, '/startDate');
  assertCalendarDate(endDate, '/endDate');
  const days = daysBetween(startDate, endDate) + 1;
  if (days < 1) fail('INVALID_DATE', '/endDate', 'must be on or after startDate');
  if (days > maxWeeks * 7)
    fail('INVALID_DATE', '/endDate', `is more than ${maxWeeks} weeks after startDate: interim support is time-limited`);
  const total = checkedPence(multiplyDivide(weeklyPence, days, 7, 'half-up'), '/totalPence');
  return {
    days,
    totalPence: total,
    explanation: [
      step(
        'interim',
        `Interim support of ${formatPounds(weeklyPence)} a week from ${startDate} to ${endDate}: ${formatPounds(weeklyPence)} × ${days} days ÷ 7 = ${formatPounds(total)}.`,
        total,
        'pence',
      ),
    ],
  };
}

/** One payment of an interim budget. */
export interface InterimPayment {
  readonly id: string;
  readonly amountPence: Pence;
  readonly paidOn: CalendarDate;
}

/**
 * Reconciles an interim budget into the agreed budget that follows it: interim money paid on or
 * after the agreed budget's start was money for the agreed budget's own period, so it counts as
 * the council's payments into that budget (and its instalments owe that much less); money paid
 * before the start stays the interim budget's.
 *
 * @param payments - the interim budget's payments
 * @param budgetStart - the agreed budget's start date
 * @returns the payments carried into the agreed budget and their total, and what stays interim
 * @example
 * ```ts
 * reconcileInterim([{ id: 'a', amountPence: 35_000, paidOn: '2026-07-01' }, { id: 'b', amountPence: 35_000, paidOn: '2026-07-08' }], '2026-07-05');
 * // { carried: [b], carriedPence: 35_000, keptPence: 35_000 }
 * ```
 */
export function reconcileInterim(
  payments: readonly InterimPayment[],
  budgetStart: CalendarDate,
): { readonly carried: readonly InterimPayment[]; readonly carriedPence: Pence; readonly keptPence: Pence } {
  assertCalendarDate(budgetStart, '/budgetStart');
  const carried = payments.filter((payment) => payment.paidOn >= budgetStart);
  const sum = (list: readonly InterimPayment[]) => list.reduce((total, payment) => checkedPence(total + payment.amountPence, '/total'), 0);
  return { carried, carriedPence: sum(carried), keptPence: sum(payments) - sum(carried) };
}
