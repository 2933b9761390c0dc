/** PostgreSQL type OIDs the service reads specially, the same on the server and in PGlite. */
export const OID = { int8: 20, date: 1082, int8Array: 1016, dateArray: 1182 } as const;

/**
 * bigint columns hold money in pence. Both drivers return int8 as a string by default; the service
 * reads it as a number and refuses, loudly, anything a number cannot hold exactly.
 */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} is beyond what the service can count exactly`);
  return value;
}

/** Calendar dates stay `YYYY-MM-DD` strings: a `Date` would drag a time zone into them. */
export function parseDate(text: string): string {
  return text;
}
