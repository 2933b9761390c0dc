import { addDays, addMonths, assertCalendarDate, type CalendarDate } from './dates.js';
import { fail } from './errors.js';

/** A review a budget is due. */
export interface ScheduledReview {
  readonly kind: 'first' | 'annual';
  readonly dueDate: CalendarDate;
}

/** Options for {@link reviewDates}. */
export interface ReviewDateOptions {
  /** Weeks from the start to the first review (default 4, seed 002; current practice is 6–8). */
  readonly firstAfterWeeks?: number;
  /** How many annual reviews to list (default 1). */
  readonly years?: number;
}

/**
 * Lists the reviews a budget is due: the first N weeks after it starts, then every year on the
 * anniversary of the start date.
 *
 * @param startDate - the date the budget starts
 * @param options - weeks to the first review, number of annual reviews
 * @returns the reviews in date order
 * @example
 * ```ts
 * reviewDates('2026-04-01');
 * // [{ kind: 'first', dueDate: '2026-04-29' }, { kind: 'annual', dueDate: '2027-04-01' }]
 * ```
 */
export function reviewDates(startDate: CalendarDate, options: ReviewDateOptions = {}): ScheduledReview[] {
  assertCalendarDate(startDate, '/startDate');
  const weeks = options.firstAfterWeeks ?? 4;
  const years = options.years ?? 1;
  if (!Number.isSafeInteger(weeks) || weeks < 1 || weeks > 52)
    fail('INVALID_NUMBER', '/firstAfterWeeks', 'must be a whole number of weeks from 1 to 52');
  if (!Number.isSafeInteger(years) || years < 0 || years > 100) fail('INVALID_NUMBER', '/years', 'must be a whole number from 0 to 100');
  const reviews: ScheduledReview[] = [{ kind: 'first', dueDate: addDays(startDate, weeks * 7) }];
  for (let year = 1; year <= years; year++) reviews.push({ kind: 'annual', dueDate: addMonths(startDate, 12 * year) });
  return reviews;
}

/**
 * The next review of a cycle that repeats every `everyMonths` months from `firstDueDate`, after
 * the one due on `dueDate`: counted from the first, so a cycle that starts on 31 January comes
 * back to the 31st whenever a month has one (31 January, 30 April, 31 July), rather than drifting
 * to the 30th for good.
 *
 * @example
 * ```ts
 * nextReviewInCycle('2027-01-31', '2027-04-30', 3); // '2027-07-31'
 * ```
 */
export function nextReviewInCycle(firstDueDate: CalendarDate, dueDate: CalendarDate, everyMonths: number): CalendarDate {
  const first = assertCalendarDate(firstDueDate, '/firstDueDate');
  const due = assertCalendarDate(dueDate, '/dueDate');
  if (!Number.isSafeInteger(everyMonths) || everyMonths < 1 || everyMonths > 12)
    fail('INVALID_NUMBER', '/repeatEveryMonths', 'must be a whole number of months from 1 to 12');
  const monthsSoFar = (Number(due.slice(0, 4)) - Number(first.slice(0, 4))) * 12 + Number(due.slice(5, 7)) - Number(first.slice(5, 7));
  return addMonths(first, monthsSoFar + everyMonths);
}
