import { fail } from './errors.js';

/** A calendar date written `YYYY-MM-DD`. ras-core does calendar arithmetic in UTC, with no time zone. */
export type CalendarDate = string;

const DAY_MS = 86_400_000;

/**
 * Checks that `value` is a real calendar date written `YYYY-MM-DD`.
 *
 * @param value - the date to check
 * @returns `true` for a real date such as `2026-02-28`; `false` for `2026-02-30`
 * @example
 * ```ts
 * isCalendarDate('2024-02-29'); // true
 * ```
 */
export function isCalendarDate(value: unknown): value is CalendarDate {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const time = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === value;
}

/** Checks a date and throws `INVALID_DATE` naming `pointer` when it is not one. */
export function assertCalendarDate(value: unknown, pointer: string): CalendarDate {
  if (!isCalendarDate(value)) fail('INVALID_DATE', pointer, `must be a real date written YYYY-MM-DD (got ${String(value)})`);
  return value;
}

function toTime(date: CalendarDate): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function fromTime(time: number): CalendarDate {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * Adds whole days to a date.
 *
 * @param date - the start date
 * @param days - days to add (negative to go back)
 * @returns the new date
 * @example
 * ```ts
 * addDays('2026-12-30', 3); // '2027-01-02'
 * ```
 */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromTime(toTime(date) + days * DAY_MS);
}

/**
 * Adds calendar months, keeping the day of the month where it exists and otherwise using the
 * month's last day (31 January + 1 month = 28 or 29 February).
 *
 * @param date - the start date
 * @param months - months to add
 * @returns the new date
 * @example
 * ```ts
 * addMonths('2026-01-31', 1); // '2026-02-28'
 * ```
 */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return fromTime(Date.UTC(targetYear, targetMonth, Math.min(day, lastDay)));
}

/**
 * Counts the days from one date to another.
 *
 * @param from - the earlier date
 * @param to - the later date
 * @returns `to − from` in days (negative when `to` is earlier)
 * @example
 * ```ts
 * daysBetween('2026-01-01', '2026-01-29'); // 28
 * ```
 */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((toTime(to) - toTime(from)) / DAY_MS);
}

/**
 * The UK financial year (1 April to 31 March) a date falls in: councils report and set budgets by
 * it. `financialYear('2027-02-10')` is `{ from: '2026-04-01', to: '2027-03-31' }`.
 */
export function financialYear(date: CalendarDate): { from: CalendarDate; to: CalendarDate } {
  assertCalendarDate(date, '');
  const year = Number(date.slice(0, 4));
  const start = date.slice(5) >= '04-01' ? year : year - 1;
  return { from: `${String(start).padStart(4, '0')}-04-01`, to: `${String(start + 1).padStart(4, '0')}-03-31` };
}

/**
 * The day before a date: where something that a new thing replaces from `date` ends.
 *
 * @throws RasError `INVALID_DATE` for a date that is not YYYY-MM-DD
 * @example
 * ```ts
 * dayBefore('2027-03-01'); // '2027-02-28'
 * ```
 */
export function dayBefore(date: CalendarDate): CalendarDate {
  return addDays(assertCalendarDate(date, '/date'), -1);
}
