/**
 * The one clock the service reads for dates that matter to people: what is due, overdue or paid,
 * the date a review is completed on. Workflows are given it; tests give a fixed one, so "overdue"
 * is tested on a date worked out by hand rather than against the wall clock.
 */
export interface Clock {
  /** The instant now. */
  now(): Date;
  /** Today's date in UTC, YYYY-MM-DD. */
  today(): string;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  today: () => new Date().toISOString().slice(0, 10),
};

/** A clock stopped at `at` (a date, or an instant). */
export function fixedClock(at: string | Date): Clock {
  const instant = typeof at === 'string' ? new Date(at.length === 10 ? `${at}T12:00:00Z` : at) : at;
  if (Number.isNaN(instant.getTime())) throw new Error(`not a date: ${String(at)}`);
  return { now: () => new Date(instant), today: () => instant.toISOString().slice(0, 10) };
}

/** The instant `hours` after `instant` (an instant the clock gave): arithmetic, not a read of the wall clock. */
export function hoursAfter(instant: Date, hours: number): Date {
  return new Date(instant.getTime() + hours * 3_600_000);
}
