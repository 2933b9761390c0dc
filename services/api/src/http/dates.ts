import { isCalendarDate } from 'ras-core';

/**
 * The calendar dates the service accepts: real dates from 1900-01-01 to 2199-12-31. Wide enough
 * for any date of birth and any budget year, and inside what PostgreSQL and ras-core's calendar
 * arithmetic agree on (PostgreSQL has no year 0; adding months past 9999 breaks ISO dates).
 */
export function isServiceDate(value: string): boolean {
  return value.length === 10 && value >= '1900-01-01' && value <= '2199-12-31' && isCalendarDate(value);
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * RFC 3339 timestamps on a service date (see {@link isServiceDate}), with `Z` or a numeric offset
 * and nothing after it: no RFC 9557 suffix, no leap second.
 */
export function isServiceTimestamp(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  if (!match) return false;
  const [, date = '', hours, minutes, seconds, , offsetHours, offsetMinutes] = match;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return false;
  if (offsetHours !== undefined && (Number(offsetHours) > 23 || Number(offsetMinutes) > 59)) return false;
  return isServiceDate(date);
}
