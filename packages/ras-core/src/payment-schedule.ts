import { COUNCIL_FUNDER } from './account.js';
import { addDays, addMonths, assertCalendarDate, type CalendarDate } from './dates.js';
import { fail } from './errors.js';
import { allocate, assertPence, type Pence } from './money.js';

/** How often the net budget is paid: 12 monthly or 13 four-weekly instalments a year. */
export type PaymentFrequency = 'monthly' | 'four-weekly';

/** One payment into the person's account. */
export interface Instalment {
  readonly number: number;
  readonly dueDate: CalendarDate;
  readonly amountPence: Pence;
}

/** Options for {@link schedulePayments}. */
export interface ScheduleOptions {
  readonly frequency?: PaymentFrequency;
  /** Number of instalments (default 12 monthly, 13 four-weekly). */
  readonly instalments?: number;
}

/**
 * Splits an amount into equal instalments from a start date; the remainder pennies go to the
 * earliest instalments, so the instalments add up to the amount exactly.
 *
 * @param amountPence - the amount to pay (e.g. the net annual budget)
 * @param startDate - the date of the first instalment
 * @param options - frequency and number of instalments
 * @returns the instalments in date order
 * @throws RasError `INVALID_MONEY`, `INVALID_DATE` or `INVALID_NUMBER` for bad inputs
 * @example
 * ```ts
 * schedulePayments(1_000_000, '2026-04-01').map((i) => i.amountPence);
 * // [83_334, 83_334, 83_334, 83_334, 83_333, …] (4 × 83,334 + 8 × 83,333 = 1,000,000)
 * ```
 */
export function schedulePayments(amountPence: Pence, startDate: CalendarDate, options: ScheduleOptions = {}): Instalment[] {
  assertPence(amountPence, '/amountPence');
  assertCalendarDate(startDate, '/startDate');
  const frequency = options.frequency ?? 'monthly';
  if (frequency !== 'monthly' && frequency !== 'four-weekly') fail('INVALID_NUMBER', '/frequency', 'must be "monthly" or "four-weekly"');
  const count = options.instalments ?? (frequency === 'monthly' ? 12 : 13);
  if (!Number.isSafeInteger(count) || count < 1 || count > 1000)
    fail('INVALID_NUMBER', '/instalments', 'must be a whole number from 1 to 1000');
  const amounts = allocate(amountPence, new Array<number>(count).fill(1));
  return amounts.map((amount, index) => ({
    number: index + 1,
    dueDate: frequency === 'monthly' ? addMonths(startDate, index) : addDays(startDate, 28 * index),
    amountPence: amount,
  }));
}

/** One funder's amount for the budget year, paid through the council in instalments. */
export interface FunderAmount {
  readonly funder: string;
  readonly annualPence: Pence;
}

/**
 * Schedules every funder's money into the account on the same dates: the council's amount (net
 * or gross, as the agreement collects the contribution) and each funding stream that pays through
 * the council. Each funder's instalments add up to its amount exactly; a funder with nothing to
 * pay gets no instalments.
 *
 * @param funders - the council first, then each stream paying through the council
 * @param startDate - the date of the first instalment
 * @param options - frequency and number of instalments
 * @returns every funder's instalments, funder by funder, in date order
 * @example
 * ```ts
 * scheduleFunderPayments([{ funder: 'council', annualPence: 1_200_000 }, { funder: 'sp', annualPence: 120_000 }], '2026-05-01')
 *   .filter((i) => i.funder === 'sp').length; // 12, £100.00 each
 * ```
 */
export function scheduleFunderPayments(
  funders: readonly FunderAmount[],
  startDate: CalendarDate,
  options: ScheduleOptions = {},
): (Instalment & { readonly funder: string })[] {
  return funders.flatMap(({ funder, annualPence }, index) =>
    index > 0 && annualPence === 0
      ? []
      : schedulePayments(annualPence, startDate, options).map((instalment) => ({ ...instalment, funder })),
  );
}

/**
 * The funders of an agreed budget paid through the council: the council (net of the contribution
 * when the person pays it in, else its whole share) and each stream that pays through the council.
 */
export function fundersOf(
  budget: {
    readonly councilAnnualPence: Pence;
    readonly netAnnualPence: Pence;
    readonly streams: readonly { readonly key: string; readonly annualPence: Pence; readonly paysThroughCouncil?: boolean }[];
  },
  collection: 'net' | 'gross',
): FunderAmount[] {
  return [
    { funder: COUNCIL_FUNDER, annualPence: collection === 'net' ? budget.netAnnualPence : budget.councilAnnualPence },
    ...budget.streams
      .filter((stream) => stream.paysThroughCouncil !== false)
      .map((stream) => ({ funder: stream.key, annualPence: stream.annualPence })),
  ];
}
