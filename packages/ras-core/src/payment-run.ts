import { COUNCIL_FUNDER, type LedgerEntry, type ScheduledPayment, summariseAccount } from './account.js';
import { addDays, assertCalendarDate, type CalendarDate } from './dates.js';
import { fail } from './errors.js';
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

/** The council's side of a Bacs file: who sends the money and from which account. */
export interface BacsOriginator {
  /** The six-digit Bacs service user number (SUN). */
  readonly serviceUserNumber: string;
  /** Up to 18 characters, shown on the payee's statement with the reference. */
  readonly name: string;
  readonly sortCode: string;
  readonly accountNumber: string;
}

/** One credit in a Bacs file: a payee's total for the run. */
export interface BacsCredit {
  readonly sortCode: string;
  readonly accountNumber: string;
  /** The account holder's name (first 18 characters are used). */
  readonly name: string;
  /** The reference the payee sees (first 18 characters). */
  readonly reference: string;
  readonly amountPence: Pence;
}

const BACS_TEXT = /[^A-Z0-9 .&/-]/g;

/** Upper-cased, reduced to the characters Bacs accepts, cut or padded to `width`. */
function bacsText(value: string, width: number): string {
  return value.toUpperCase().replace(BACS_TEXT, ' ').slice(0, width).padEnd(width, ' ');
}

function digits(value: string, width: number, pointer: string): string {
  const plain = value.replace(/[\s-]/g, '');
  if (!new RegExp(`^\\d{${width}}$`).test(plain)) fail('INVALID_BANK_DETAILS', pointer, `must be ${width} digits`);
  return plain;
}

/** Days since the year began, 001–366, as Bacs dates are written (bYYDDD). */
function bacsDate(date: CalendarDate): string {
  const day = (Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) - Date.UTC(+date.slice(0, 4), 0, 1)) / 86_400_000 + 1;
  return ` ${date.slice(2, 4)}${String(day).padStart(3, '0')}`;
}

/**
 * A Bacs Standard 18 style file: a user header label (UHL1), one 100-character credit record
 * (transaction code 99) per payee, one contra record (code 17) debiting the council's account
 * with the total, and a user trailer label (UTL1) with the values and counts. Records end CRLF.
 * Amounts are pence, eleven digits, zero-filled.
 *
 * @param originator - the council's service user number, name and account
 * @param credits - one per payee
 * @param processingDate - the day Bacs processes the file
 * @returns the file's text
 * @throws RasError `INVALID_BANK_DETAILS` for a sort code or account number that is not 6 or 8 digits
 * @example
 * ```ts
 * bacsStandard18(
 *   { serviceUserNumber: '123456', name: 'Demo Borough', sortCode: '400000', accountNumber: '12345678' },
 *   [{ sortCode: '20-00-00', accountNumber: '87654321', name: 'A Person', reference: 'DP 1', amountPence: 12_345 }],
 *   '2026-11-30',
 * ).split('\r\n')[1].slice(35, 46); // '00000012345'
 * ```
 */
export function bacsStandard18(originator: BacsOriginator, credits: readonly BacsCredit[], processingDate: CalendarDate): string {
  assertCalendarDate(processingDate, '/processingDate');
  const sun = digits(originator.serviceUserNumber, 6, '/originator/serviceUserNumber');
  const fromSort = digits(originator.sortCode, 6, '/originator/sortCode');
  const fromAccount = digits(originator.accountNumber, 8, '/originator/accountNumber');
  const from = bacsText(originator.name, 18);
  let total = 0;
  const records = credits.map((credit, index) => {
    assertPence(credit.amountPence, `/credits/${index}/amountPence`);
    total = checkedPence(total + credit.amountPence, '/totalPence');
    return [
      digits(credit.sortCode, 6, `/credits/${index}/sortCode`),
      digits(credit.accountNumber, 8, `/credits/${index}/accountNumber`),
      '0',
      '99',
      fromSort,
      fromAccount,
      '    ',
      String(credit.amountPence).padStart(11, '0'),
      from,
      bacsText(credit.reference, 18),
      bacsText(credit.name, 18),
    ].join('');
  });
  const amount = (pence: number, width: number) => String(pence).padStart(width, '0');
  const contra = [
    fromSort,
    fromAccount,
    '0',
    '17',
    fromSort,
    fromAccount,
    '    ',
    amount(total, 11),
    from,
    bacsText(`CONTRA ${sun}`, 18),
    bacsText('CONTRA', 18),
  ].join('');
  // Processing day, receiving party (999999), currency (00), country (000000), work code, file number.
  const header = ['UHL1', bacsDate(processingDate), '999999    ', '00', '000000', '1 DAILY  ', '001'].join('').padEnd(80, ' ');
  const trailer = `UTL1${amount(total, 13)}${amount(total, 13)}${amount(1, 7)}${amount(credits.length, 7)}`.padEnd(80, ' ');
  return `${[header, ...records, contra, trailer].join('\r\n')}\r\n`;
}
