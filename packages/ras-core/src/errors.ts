/**
 * The one catalogue of error codes ras-core throws. Only broken invariants throw (a negative
 * amount, a fraction of a penny, an invalid scheme); expected outcomes such as an incomplete
 * questionnaire or a case above the ceiling are returned as values with reasons.
 */
export const RAS_ERROR_CODES = {
  INVALID_MONEY: 'An amount of money must be a non-negative safe integer number of pence',
  INVALID_NUMBER: 'A count, number of points or number of weeks is out of range',
  INVALID_PERCENT: 'A percentage must be between 0 and 100 with at most 2 decimal places',
  INVALID_DATE: 'A calendar date must be a real date written YYYY-MM-DD',
  INVALID_QUESTIONNAIRE: 'The questionnaire definition is invalid',
  INVALID_ANSWERS: 'The answers do not fit the questionnaire',
  INVALID_SCHEME: 'The allocation scheme is invalid',
  INVALID_FUNDING_STREAMS: 'The funding streams are invalid',
  INVALID_CALIBRATION: 'The desktop exercise cannot be run on these cases',
  INVALID_SUPPORT_PLAN: 'The support plan is invalid',
  INVALID_CHARGING_RULES: 'The charging rules do not make sense together',
  INVALID_ACCOUNT: 'The budget account’s ledger or agreement is inconsistent',
  MONEY_OVERFLOW: 'An amount grew beyond what can be counted exactly in pence',
  INVALID_BANK_DETAILS: 'A sort code must be 6 digits and an account number 8',
  NOTHING_TO_PAY: 'A payment file needs at least one payment: Bacs rejects a file with nothing to pay',
} as const;

/** A code from {@link RAS_ERROR_CODES}. */
export type RasErrorCode = keyof typeof RAS_ERROR_CODES;

/** Where in an input a problem is (a JSON Pointer, e.g. `/sections/0/questions/2/key`) and what it is. */
export interface Problem {
  readonly pointer: string;
  readonly detail: string;
}

/**
 * The error ras-core throws when an input breaks an invariant.
 *
 * @example
 * ```ts
 * import { RasError, calibrate } from 'ras-core';
 * try {
 *   calibrate({ cases: [], topSlicePercent: 10 });
 * } catch (error) {
 *   if (error instanceof RasError) console.error(error.code, error.problems);
 * }
 * ```
 */
export class RasError extends Error {
  override readonly name = 'RasError';
  /** Stable UPPER_SNAKE code from {@link RAS_ERROR_CODES}. */
  readonly code: RasErrorCode;
  /** Every problem found, each with the JSON Pointer of the offending input. */
  readonly problems: readonly Problem[];

  /**
   * @param code - the catalogue code
   * @param problems - every problem found (at least one)
   */
  constructor(code: RasErrorCode, problems: readonly Problem[]) {
    const first = problems[0];
    super(first ? `${RAS_ERROR_CODES[code]}: ${first.pointer || '/'} ${first.detail}` : RAS_ERROR_CODES[code]);
    this.code = code;
    this.problems = problems;
  }
}

/** Throws a {@link RasError} with a single problem. */
export function fail(code: RasErrorCode, pointer: string, detail: string): never {
  throw new RasError(code, [{ pointer, detail }]);
}

/**
 * Runs `work` and, if it throws a {@link RasError}, throws it again with every pointer under
 * `prefix`: for a caller that passes ras-core one part of a larger document.
 *
 * @example
 * ```ts
 * underPointer('/calculate', () => calculateContribution(inputs, rules)); // errors at /calculate/rules/…
 * ```
 */
export function underPointer<T>(prefix: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof RasError)
      throw new RasError(
        error.code,
        error.problems.map((problem) => ({ ...problem, pointer: `${prefix}${problem.pointer}` })),
      );
    throw error;
  }
}
