import { COUNCIL_FUNDER, type LedgerEntry, type ScheduledPayment, summariseAccount } from './account.js';
import { addDays, assertCalendarDate, type CalendarDate } from './dates.js';
import { assertPence, checkedPence, type Pence } from './money.js';

/** How far ahead a payment run may be prepared: a month-end run is prepared days before, not months. */
export const MAX_RUN_DAYS_AHEAD = 35;

/**
 * The latest date a payment run may be prepared for today: paying instalments months before they
 * fall due is a mistake, not a payment run.
 *
 * @param today - today's date
 * @returns today plus {@link MAX_RUN_DAYS_AHEAD} days
 * @example
 * ```ts
 * latestRunDate('2026-11-26'); // '2026-12-31'
 * ```
 */
export function latestRunDate(today: CalendarDate): CalendarDate {
  assertCalendarDate(today, '/today');
  return addDays(today, MAX_RUN_DAYS_AHEAD);
}

/** An instalment of the council's money a payment run pays: what it still owes. */
export interface OwingInstalment {
  readonly number: number;
  readonly dueDate: CalendarDate;
  /** The instalment's amount less what payments have already covered of it. */
  readonly owingPence: Pence;
}

/**
 * The council's instalments due by a run date and not yet paid, counted exactly as the budget
 * account counts them ({@link summariseAccount}): a payment naming an instalment pays it first,
 * anything else pays the oldest instalment with something owing, and reversed payments count for
 * nothing. A part-paid instalment owes the rest.
 *
 * @param entries - the budget's ledger, or at least its council payments and their reversals
 * @param instalments - the budget's schedule (other funders' instalments are ignored)
 * @param runDate - instalments due on or before this date are owing
 * @returns the council instalments with something owing, oldest first
 * @example
 * ```ts
 * instalmentsOwing([], [{ funder: 'council', number: 1, dueDate: '2026-04-01', amountPence: 50_000 }], '2026-04-30');
 * // [{ number: 1, dueDate: '2026-04-01', owingPence: 50_000 }]
 * ```
 */
export function instalmentsOwing(
  entries: readonly LedgerEntry[],
  instalments: readonly ScheduledPayment[],
  runDate: CalendarDate,
): OwingInstalment[] {
  assertCalendarDate(runDate, '/runDate');
  const council = instalments.filter((instalment) => instalment.funder === COUNCIL_FUNDER);
  const { schedule } = summariseAccount(entries, council, runDate);
  return schedule
    .filter((instalment) => instalment.dueDate <= runDate && instalment.paidPence < instalment.amountPence)
    .map((instalment) => ({
      number: instalment.number,
      dueDate: instalment.dueDate,
      owingPence: instalment.amountPence - instalment.paidPence,
    }));
}

/** One payment in a run, to a payee. */
export interface RunPayment {
  /** Who receives it: payments with the same key are paid to that payee as one amount. */
  readonly payeeKey: string;
  readonly amountPence: Pence;
}

/** What a run pays one payee. */
export interface PayeeTotal {
  readonly payeeKey: string;
  /** Instalments paid to this payee in the run. */
  readonly payments: number;
  readonly amountPence: Pence;
}

/** A run's totals: the control count and total a finance system checks a file against. */
export interface PaymentRunTotals {
  /** Control count: the instalments the run pays. */
  readonly payments: number;
  /** Payees in order of first appearance, each with its total. */
  readonly payees: readonly PayeeTotal[];
  readonly totalPence: Pence;
}

/**
 * Groups a run's payments by payee and totals them, to the penny.
 *
 * @param payments - every instalment the run pays, with its payee
 * @returns the control count, each payee's total and the run's total
 * @throws RasError `INVALID_MONEY` for a bad amount, `MONEY_OVERFLOW` past exact counting
 * @example
 * ```ts
 * totalPaymentRun([{ payeeKey: 'a', amountPence: 100 }, { payeeKey: 'a', amountPence: 50 }]).payees;
 * // [{ payeeKey: 'a', payments: 2, amountPence: 150 }]
 * ```
 */
export function totalPaymentRun(payments: readonly RunPayment[]): PaymentRunTotals {
  const byPayee = new Map<string, { payments: number; amountPence: number }>();
  let total = 0;
  payments.forEach((payment, index) => {
    assertPence(payment.amountPence, `/payments/${index}/amountPence`);
    total = checkedPence(total + payment.amountPence, '/totalPence');
    const payee = byPayee.get(payment.payeeKey);
    if (payee) {
      payee.payments += 1;
      payee.amountPence += payment.amountPence;
    } else byPayee.set(payment.payeeKey, { payments: 1, amountPence: payment.amountPence });
  });
  return {
    payments: payments.length,
    payees: [...byPayee].map(([payeeKey, payee]) => ({ payeeKey, ...payee })),
    totalPence: total,
  };
}
