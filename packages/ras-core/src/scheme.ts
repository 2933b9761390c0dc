import { isCalendarDate } from './dates.js';
import { type Problem, RasError } from './errors.js';
import { type Pence, toScaledInteger } from './money.js';

/** A band of a banded scheme: every whole number of points from `fromPoints` to `toPoints` (inclusive) gets `annualPence`. */
export interface Band {
  readonly fromPoints: number;
  readonly toPoints: number;
  readonly annualPence: Pence;
}

/** How points become money. */
export type AllocationMethod =
  | { readonly type: 'linear'; readonly poundsPerPointPence: Pence }
  | { readonly type: 'banded'; readonly bands: readonly Band[] };

/** How much underspend a person keeps at the annual review. */
export type ClawbackRule = { readonly type: 'percent'; readonly percent: number } | { readonly type: 'weeks'; readonly weeks: number };

/**
 * An allocation scheme in the shape of the API's `createAllocationScheme`. ras-core uses the
 * money fields; `questionnaireId`, `clientGroups` and the effective dates are checked when present
 * and used by whoever chooses the scheme.
 */
export interface AllocationScheme {
  readonly key: string;
  readonly version?: number;
  readonly questionnaireId?: string;
  readonly clientGroups?: readonly string[];
  readonly effectiveFrom?: string;
  readonly effectiveTo?: string | null;
  readonly method: AllocationMethod;
  /** Below this many points the RAS gives no amount of its own: {@link belowFloor} says what happens. */
  readonly floorPoints?: number;
  /**
   * What an eligible person gets when their points fall below the floor or the lowest band
   * (seed 003 and the Care Act 2014, s.26: everyone eligible has a personal budget): the scheme's
   * floor amount a year, or (the default) a referral for an amount the worker sets and the panel
   * agrees, outside the RAS.
   */
  readonly belowFloor?: BelowFloorRule;
  /** Above this full-year amount the case is referred to the panel (the amount is still shown). */
  readonly ceilingPence?: Pence;
  /** The share of the budget kept back in the desktop exercise (informational here). */
  readonly topSlicePercent?: number;
  readonly clawback?: ClawbackRule;
  /** Weeks in a budget year (default 52). */
  readonly weeksPerYear?: number;
  /** `penny` (default) or `pound`: half-up to whole pounds. */
  readonly rounding?: 'penny' | 'pound';
}

/** What a scheme gives an eligible person below its floor; see {@link AllocationScheme.belowFloor}. */
export type BelowFloorRule = { readonly action: 'floor-amount'; readonly annualPence: Pence } | { readonly action: 'refer' };

/** A scheme checked once and prepared for allocating many budgets; see {@link compileScheme}. */
export interface CompiledScheme {
  readonly definition: AllocationScheme;
  readonly bands: readonly Band[];
  readonly weeksPerYearHundredths: number;
  readonly clawback: ClawbackRule;
}

/** The clawback rule a scheme gets when it names none: keep up to 20% of the annual budget (seed 002). */
export const DEFAULT_CLAWBACK: ClawbackRule = { type: 'percent', percent: 20 };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isPence = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isPoints = isPence;

function checkDecimal(value: unknown, decimals: number, min: number, max: number): boolean {
  const scaled = typeof value === 'number' ? toScaledInteger(value, decimals) : undefined;
  return scaled !== undefined && scaled >= min && scaled <= max;
}

/**
 * Checks an allocation scheme and lists every problem with its JSON Pointer. Bands must be
 * whole-point ranges, sorted, contiguous and non-overlapping.
 *
 * @param scheme - a scheme, typically parsed from JSON
 * @returns every problem; empty when the scheme is valid
 * @example
 * ```ts
 * validateScheme({ key: 'ld', method: { type: 'banded', bands: [
 *   { fromPoints: 0, toPoints: 10, annualPence: 100000 }, { fromPoints: 12, toPoints: 20, annualPence: 200000 }] } });
 * // [{ pointer: '/method/bands/1/fromPoints', detail: 'leaves a gap: must be 11, one after the previous band ends' }]
 * ```
 */
export function validateScheme(scheme: unknown): Problem[] {
  const problems: Problem[] = [];
  const add = (pointer: string, detail: string) => problems.push({ pointer, detail });
  if (!isRecord(scheme)) return [{ pointer: '', detail: 'must be an object' }];
  if (typeof scheme.key !== 'string' || scheme.key.trim() === '') add('/key', 'must be a non-empty string');
  const method = scheme.method;
  if (!isRecord(method)) add('/method', 'must be { type: "linear", poundsPerPointPence } or { type: "banded", bands }');
  else if (method.type === 'linear') {
    if (!isPence(method.poundsPerPointPence)) add('/method/poundsPerPointPence', 'must be a whole number of pence, 0 or more');
  } else if (method.type === 'banded') {
    const bands = method.bands;
    if (!Array.isArray(bands) || bands.length === 0) add('/method/bands', 'must list at least one band');
    else {
      let previous: { toPoints: number } | undefined;
      bands.forEach((band: unknown, index) => {
        const at = `/method/bands/${index}`;
        if (!isRecord(band)) {
          add(at, 'must be { fromPoints, toPoints, annualPence }');
          previous = undefined;
          return;
        }
        const okFrom = isPoints(band.fromPoints);
        const okTo = isPoints(band.toPoints);
        if (!okFrom) add(`${at}/fromPoints`, 'must be a whole number of points, 0 or more');
        if (!okTo) add(`${at}/toPoints`, 'must be a whole number of points, 0 or more');
        if (!isPence(band.annualPence)) add(`${at}/annualPence`, 'must be a whole number of pence, 0 or more');
        if (okFrom && okTo && (band.toPoints as number) < (band.fromPoints as number))
          add(`${at}/toPoints`, 'must not be below fromPoints');
        if (okFrom && previous) {
          const expected = previous.toPoints + 1;
          const from = band.fromPoints as number;
          if (from < expected) add(`${at}/fromPoints`, `overlaps the previous band: must be ${expected}, one after the previous band ends`);
          else if (from > expected) add(`${at}/fromPoints`, `leaves a gap: must be ${expected}, one after the previous band ends`);
        }
        previous = okTo ? { toPoints: band.toPoints as number } : undefined;
      });
    }
  } else add('/method/type', 'must be "linear" or "banded"');
  if (scheme.floorPoints !== undefined && !isPoints(scheme.floorPoints)) add('/floorPoints', 'must be a whole number of points, 0 or more');
  const belowFloor = scheme.belowFloor;
  if (belowFloor !== undefined) {
    if (!isRecord(belowFloor)) add('/belowFloor', 'must be { action: "floor-amount", annualPence } or { action: "refer" }');
    else if (belowFloor.action === 'floor-amount') {
      if (!isPence(belowFloor.annualPence) || belowFloor.annualPence === 0)
        add('/belowFloor/annualPence', 'must be a whole number of pence above 0: nobody eligible gets £0');
    } else if (belowFloor.action !== 'refer') add('/belowFloor/action', 'must be "floor-amount" or "refer"');
  }
  if (scheme.ceilingPence !== undefined && !isPence(scheme.ceilingPence))
    add('/ceilingPence', 'must be a whole number of pence, 0 or more');
  if (scheme.topSlicePercent !== undefined && !checkDecimal(scheme.topSlicePercent, 2, 0, 9_999)) {
    add('/topSlicePercent', 'must be from 0 to less than 100, with at most 2 decimal places');
  }
  if (scheme.weeksPerYear !== undefined && !checkDecimal(scheme.weeksPerYear, 2, 100, 5_300)) {
    add('/weeksPerYear', 'must be from 1 to 53 weeks, with at most 2 decimal places');
  }
  if (scheme.rounding !== undefined && scheme.rounding !== 'penny' && scheme.rounding !== 'pound')
    add('/rounding', 'must be "penny" or "pound"');
  const clawback = scheme.clawback;
  if (clawback !== undefined) {
    if (!isRecord(clawback)) add('/clawback', 'must be { type: "percent", percent } or { type: "weeks", weeks }');
    else if (clawback.type === 'percent') {
      if (!checkDecimal(clawback.percent, 2, 0, 10_000)) add('/clawback/percent', 'must be from 0 to 100, with at most 2 decimal places');
    } else if (clawback.type === 'weeks') {
      if (!checkDecimal(clawback.weeks, 2, 0, 5_300)) add('/clawback/weeks', 'must be from 0 to 53 weeks, with at most 2 decimal places');
    } else add('/clawback/type', 'must be "percent" or "weeks"');
  }
  if (scheme.clientGroups !== undefined) {
    const groups = scheme.clientGroups;
    if (!Array.isArray(groups) || groups.length === 0 || groups.some((group) => typeof group !== 'string' || group.trim() === '')) {
      add('/clientGroups', 'must list at least one client group');
    } else if (new Set(groups).size !== groups.length) add('/clientGroups', 'must not list a client group twice');
  }
  if (scheme.effectiveFrom !== undefined && !isCalendarDate(scheme.effectiveFrom))
    add('/effectiveFrom', 'must be a real date written YYYY-MM-DD');
  if (scheme.effectiveTo !== undefined && scheme.effectiveTo !== null) {
    if (!isCalendarDate(scheme.effectiveTo)) add('/effectiveTo', 'must be a real date written YYYY-MM-DD');
    else if (isCalendarDate(scheme.effectiveFrom) && scheme.effectiveTo < scheme.effectiveFrom)
      add('/effectiveTo', 'must not be before effectiveFrom');
  }
  return problems;
}

/**
 * Checks a scheme and prepares it for allocating budgets.
 *
 * @param scheme - the allocation scheme
 * @returns the compiled scheme
 * @throws RasError `INVALID_SCHEME` with every problem when the scheme is invalid
 * @example
 * ```ts
 * const scheme = compileScheme({ key: 'older-people', method: { type: 'linear', poundsPerPointPence: 25_000 } });
 * ```
 */
export function compileScheme(scheme: AllocationScheme): CompiledScheme {
  const problems = validateScheme(scheme);
  if (problems.length > 0) throw new RasError('INVALID_SCHEME', problems);
  return {
    definition: scheme,
    bands: scheme.method.type === 'banded' ? scheme.method.bands : [],
    weeksPerYearHundredths: toScaledInteger(scheme.weeksPerYear ?? 52, 2) ?? 5200,
    clawback: scheme.clawback ?? DEFAULT_CLAWBACK,
  };
}
