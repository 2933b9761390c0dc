import { allocateBudget } from './allocation.js';
import { type Problem, RasError, underPointer } from './errors.js';
import { type ExplanationStep, step } from './explanation.js';
import { checkedPence, divide, formatHundredths, formatPounds, multiplyDivide, type Pence, percentToBasisPoints } from './money.js';
import { type AllocationMethod, type CompiledScheme, compileScheme } from './scheme.js';

/** A current case of the desktop exercise: its RAS points and what its support costs today. */
export interface CalibrationCase {
  readonly ref: string;
  readonly points: number;
  readonly currentAnnualPence: Pence;
  readonly clientGroup?: string;
}

/** The desktop exercise's inputs (API `runCalibration`). */
export interface CalibrationInput {
  readonly cases: readonly CalibrationCase[];
  /** The budget to share out; default Σ of current costs. */
  readonly budgetPence?: Pence;
  /** The share of the budget kept back as contingency, e.g. `10`. */
  readonly topSlicePercent: number;
  /**
   * The scheme proposed to committee. Every case is projected under it (floor, bands and rounding
   * as {@link allocateBudget} applies them; a case above the ceiling keeps its amount and is
   * counted as a referral). Without it, the derived £/point is the proposal.
   */
  readonly proposed?: ProposedScheme;
}

/** A scheme put to the desktop exercise. */
export interface ProposedScheme {
  readonly method: AllocationMethod;
  readonly floorPoints?: number;
  readonly ceilingPence?: Pence;
}

/**
 * Wrexham's integrity test (seed 002, slide 30): the new system must not cost the authority any
 * more than the cases cost today.
 */
export interface CalibrationIntegrity {
  /** projected ≤ current: the proposal costs no more than the cohort does today. */
  readonly passes: boolean;
  readonly currentTotalPence: Pence;
  readonly projectedTotalPence: Pence;
  /** projected − current: above 0, the proposal costs that much more than today. */
  readonly differencePence: number;
  /** available − projected: what is left of the budget given after the top slice (negative when over). */
  readonly headroomPence: number;
}

/** One case projected under the new £/point. */
export interface CalibratedCase {
  readonly ref: string;
  readonly points: number;
  readonly clientGroup: string | null;
  readonly currentAnnualPence: Pence;
  readonly projectedAnnualPence: Pence;
  /** projected − current: positive for a winner, negative for a loser. */
  readonly differencePence: number;
}

/** Totals for one client group. */
export interface ClientGroupTotals {
  readonly clientGroup: string;
  readonly cases: number;
  readonly points: number;
  readonly currentPence: Pence;
  readonly projectedPence: Pence;
  readonly differencePence: number;
}

/** A case named in the summary, with its difference. */
export interface NamedDifference {
  readonly ref: string;
  readonly differencePence: number;
}

/** Who gains and who loses, in numbers. */
export interface CalibrationSummary {
  readonly winners: number;
  readonly losers: number;
  readonly unchanged: number;
  readonly meanAbsoluteDifferencePence: Pence;
  readonly medianAbsoluteDifferencePence: Pence;
  readonly biggestGain: NamedDifference | null;
  readonly biggestLoss: NamedDifference | null;
  readonly byClientGroup: readonly ClientGroupTotals[];
}

/** The result of the desktop exercise. */
export interface CalibrationResult {
  readonly caseCount: number;
  readonly totalPoints: number;
  readonly currentTotalPence: Pence;
  readonly budgetPence: Pence;
  readonly topSlicePercent: number;
  readonly topSlicePence: Pence;
  readonly availablePence: Pence;
  /** floor(available ÷ Σ points): the rate the budget affords. */
  readonly poundsPerPointPence: Pence;
  /** The scheme every case was projected under: the one proposed, else linear at the derived rate. */
  readonly proposed: ProposedScheme & { readonly derived: boolean };
  /** Cases whose projection is above the proposed ceiling: the panel would decide them. */
  readonly referrals: number;
  readonly projectedTotalPence: Pence;
  readonly integrity: CalibrationIntegrity;
  readonly cases: readonly CalibratedCase[];
  readonly summary: CalibrationSummary;
  /**
   * How well a straight line through the origin fits today's costs: the least-squares £/point
   * and its (uncentred) R², as for a regression without intercept. A diagnostic only.
   */
  readonly diagnostic: { readonly leastSquaresPoundsPerPointPence: Pence; readonly rSquared: number };
  readonly explanation: readonly ExplanationStep[];
}

const MAX_PROBLEMS = 100;

/**
 * Step 1: every case checked (each problem named, at most MAX_PROBLEMS of them), and the cases'
 * points and what they cost today added up.
 */
function checkCases(cases: readonly CalibrationCase[]): { totalPoints: number; currentTotal: number } {
  const problems: Problem[] = [];
  const add = (pointer: string, detail: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ pointer, detail });
  };
  let totalPoints = 0;
  let currentTotal = 0;
  let invalid = 0;
  for (let index = 0; index < cases.length; index++) {
    const c = cases[index] as CalibrationCase;
    const points = c.points;
    const current = c.currentAnnualPence;
    let bad = false;
    if (typeof c.ref !== 'string' || c.ref === '') {
      add(`/cases/${index}/ref`, 'must be a non-empty reference');
      bad = true;
    }
    if (!Number.isSafeInteger(points) || points < 0) {
      add(`/cases/${index}/points`, `must be a whole number of points, 0 or more (got ${String(points)})`);
      bad = true;
    }
    if (!Number.isSafeInteger(current) || current < 0) {
      add(`/cases/${index}/currentAnnualPence`, `must be a whole number of pence, 0 or more (got ${String(current)})`);
      bad = true;
    }
    if (bad) {
      invalid++;
      continue;
    }
    totalPoints += points;
    currentTotal += current;
  }
  if (invalid > MAX_PROBLEMS)
    problems.push({ pointer: '/cases', detail: `${invalid} cases are invalid; the first ${MAX_PROBLEMS} problems are listed` });
  if (problems.length > 0) throw new RasError('INVALID_CALIBRATION', problems);
  if (totalPoints === 0)
    throw new RasError('INVALID_CALIBRATION', [
      { pointer: '/cases', detail: 'the cases add up to 0 points, so no amount per point can be set' },
    ]);
  checkedPence(totalPoints, '/cases');
  checkedPence(currentTotal, '/cases');

  return { totalPoints, currentTotal };
}

/** The last step: the calibration in words, from the budget to the integrity test. */
function explainCalibration(
  result: Omit<CalibrationResult, 'explanation'>,
  told: { readonly budgetGiven: boolean; readonly topSliceBasisPoints: number },
): ExplanationStep[] {
  const budget = result.budgetPence;
  const topSlice = result.topSlicePence;
  const available = result.availablePence;
  const n = result.caseCount;
  const { totalPoints, referrals } = result;
  const perPoint = result.poundsPerPointPence;
  const projectedTotal = result.projectedTotalPence;
  const { passes, currentTotalPence: currentTotal, differencePence: overToday, headroomPence: headroom } = result.integrity;
  const { winners, losers } = result.summary;
  const percentText = formatHundredths(told.topSliceBasisPoints);
  return [
    step(
      'budget',
      `The budget to share is ${formatPounds(budget)}${told.budgetGiven ? '' : ', what the cases cost today'}.`,
      budget,
      'pence',
    ),
    step('top-slice', `${percentText}% is kept back as contingency: ${formatPounds(topSlice)}.`, topSlice, 'pence'),
    step('available', `That leaves ${formatPounds(available)} for ${n} cases with ${totalPoints} points in all.`, available, 'pence'),
    step(
      'pounds-per-point',
      `${formatPounds(available)} ÷ ${totalPoints} points = ${formatPounds(perPoint)} a point (rounded down, so the total at this rate can never exceed what is available).`,
      perPoint,
      'pence',
    ),
    step('proposed', describeProposal(result.proposed, totalPoints, projectedTotal), projectedTotal, 'pence'),
    step(
      'projected-total',
      `Under it the cases would cost ${formatPounds(projectedTotal)}${
        headroom >= 0
          ? `, leaving ${formatPounds(headroom)} of the ${formatPounds(available)} available`
          : `, ${formatPounds(-headroom)} more than the ${formatPounds(available)} available`
      }${referrals > 0 ? `; ${plural(referrals, 'case is', 'cases are')} above the ceiling and would go to the panel` : ''}.`,
      projectedTotal,
      'pence',
    ),
    step(
      'integrity',
      passes
        ? `The cases cost ${formatPounds(currentTotal)} today; the proposal costs ${formatPounds(-overToday)} less${overToday === 0 ? ' (the same)' : ''}, so it passes the integrity test: it costs the council no more.`
        : `The cases cost ${formatPounds(currentTotal)} today; the proposal costs ${formatPounds(projectedTotal)} − ${formatPounds(currentTotal)} = ${formatPounds(overToday)} more, so it fails the integrity test.`,
      overToday,
      'pence',
    ),
    step(
      'winners-losers',
      `${winners} cases would get more than today, ${losers} less and ${n - winners - losers} the same.`,
      winners,
      'count',
    ),
  ];
}

/**
 * Runs the desktop exercise (RAS4 in seed 002): top-slice the budget, derive the £/point the
 * budget affords (floor(available ÷ Σ points)), project every case under the proposed scheme
 * (default: linear at that rate) and test the projection against what the cases cost today.
 *
 * @param input - the cases, the budget (default Σ current costs), the top-slice percentage and the proposed scheme
 * @returns £/point, the integrity test, every case's projection and a summary
 * @throws RasError `INVALID_CALIBRATION` for no cases, negative or fractional figures (up to 100 listed) or Σ points = 0;
 *   `INVALID_SCHEME` (pointers under `/proposed`) for a proposed scheme that is not valid
 * @example
 * ```ts
 * const result = calibrate({
 *   topSlicePercent: 10,
 *   cases: [
 *     { ref: 'A', points: 20, currentAnnualPence: 500_000 },
 *     { ref: 'B', points: 60, currentAnnualPence: 1_500_000 },
 *   ],
 * });
 * result.poundsPerPointPence; // 22_500 (£225.00 a point)
 * ```
 */
export function calibrate(input: CalibrationInput): CalibrationResult {
  const cases = input.cases;
  if (!Array.isArray(cases) || cases.length === 0)
    throw new RasError('INVALID_CALIBRATION', [{ pointer: '/cases', detail: 'must list at least one case' }]);
  const topSliceBasisPoints = percentToBasisPoints(input.topSlicePercent, '/topSlicePercent');
  const proposedScheme = input.proposed === undefined ? undefined : compileProposal(input.proposed);

  const { totalPoints, currentTotal } = checkCases(cases);

  const budget = input.budgetPence ?? currentTotal;
  if (!Number.isSafeInteger(budget) || budget < 0)
    throw new RasError('INVALID_CALIBRATION', [{ pointer: '/budgetPence', detail: 'must be a whole number of pence, 0 or more' }]);
  const topSlice = multiplyDivide(budget, topSliceBasisPoints, 10_000, 'half-up');
  const available = budget - topSlice;
  const perPoint = divide(available, totalPoints, 'down');
  const scheme = proposedScheme ?? compileScheme({ key: 'proposed', method: { type: 'linear', poundsPerPointPence: perPoint } });
  const { method: proposedMethod, floorPoints: floor, ceilingPence: ceiling, belowFloor } = scheme.definition;
  const floorAmount = belowFloor?.action === 'floor-amount' ? belowFloor.annualPence : 0;
  // A full year's amount for the points, as allocateBudget works it out (full year, penny
  // rounding, so the ceiling only refers). Linear is done inline: a million cases at a time.
  const project =
    proposedMethod.type === 'linear'
      ? (points: number) => (floor !== undefined && points < floor ? floorAmount : points * proposedMethod.poundsPerPointPence)
      : (points: number) => allocateBudget(scheme, { totalPoints: points }, { explain: false }).rasAnnualPence;
  let referrals = 0;

  const results: CalibratedCase[] = new Array(cases.length);
  const absolute = new Float64Array(cases.length);
  const groups = new Map<string, { cases: number; points: number; currentPence: number; projectedPence: number }>();
  let projectedTotal = 0;
  let winners = 0;
  let losers = 0;
  let absoluteTotal = 0;
  let gain: NamedDifference | null = null;
  let loss: NamedDifference | null = null;
  let sumXY = 0;
  let sumXX = 0;
  let sumYY = 0;
  for (let index = 0; index < cases.length; index++) {
    const c = cases[index] as CalibrationCase;
    const projected = project(c.points);
    if (ceiling !== undefined && projected > ceiling) referrals++;
    const difference = projected - c.currentAnnualPence;
    const clientGroup = c.clientGroup ?? null;
    results[index] = {
      ref: c.ref,
      points: c.points,
      clientGroup,
      currentAnnualPence: c.currentAnnualPence,
      projectedAnnualPence: projected,
      differencePence: difference,
    };
    projectedTotal += projected;
    if (difference > 0) {
      winners++;
      if (gain === null || difference > gain.differencePence) gain = { ref: c.ref, differencePence: difference };
    } else if (difference < 0) {
      losers++;
      if (loss === null || difference < loss.differencePence) loss = { ref: c.ref, differencePence: difference };
    }
    const abs = difference < 0 ? -difference : difference;
    absolute[index] = abs;
    absoluteTotal += abs;
    sumXY += c.points * c.currentAnnualPence;
    sumXX += c.points * c.points;
    sumYY += c.currentAnnualPence * c.currentAnnualPence;
    if (clientGroup !== null) {
      let group = groups.get(clientGroup);
      if (!group) {
        group = { cases: 0, points: 0, currentPence: 0, projectedPence: 0 };
        groups.set(clientGroup, group);
      }
      group.cases++;
      group.points += c.points;
      group.currentPence += c.currentAnnualPence;
      group.projectedPence += projected;
    }
  }
  absolute.sort();
  const n = cases.length;
  const middle = n >> 1;
  const median =
    n % 2 === 1 ? (absolute[middle] as number) : divide((absolute[middle - 1] as number) + (absolute[middle] as number), 2, 'half-up');
  checkedPence(projectedTotal, '/projectedTotalPence');
  const headroom = available - projectedTotal;
  const overToday = projectedTotal - currentTotal;
  const passes = overToday <= 0;
  // Floating point is fine here: the line's slope and R² are diagnostics, rounded for display.
  const leastSquares = sumXX === 0 ? 0 : Math.round(sumXY / sumXX);
  const rSquared = sumXX === 0 || sumYY === 0 ? 0 : Math.round(((sumXY * sumXY) / (sumXX * sumYY)) * 10_000) / 10_000;

  const summary: CalibrationSummary = {
    winners,
    losers,
    unchanged: n - winners - losers,
    meanAbsoluteDifferencePence: divide(checkedPence(absoluteTotal, '/summary'), n, 'half-up'),
    medianAbsoluteDifferencePence: median,
    biggestGain: gain,
    biggestLoss: loss,
    byClientGroup: [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([clientGroup, g]) => ({ clientGroup, ...g, differencePence: g.projectedPence - g.currentPence })),
  };
  const result = {
    caseCount: n,
    totalPoints,
    currentTotalPence: currentTotal,
    budgetPence: budget,
    topSlicePercent: topSliceBasisPoints / 100,
    topSlicePence: topSlice,
    availablePence: available,
    poundsPerPointPence: perPoint,
    proposed: { ...proposalOf(scheme), derived: proposedScheme === undefined },
    referrals,
    projectedTotalPence: projectedTotal,
    integrity: {
      passes,
      currentTotalPence: currentTotal,
      projectedTotalPence: projectedTotal,
      differencePence: overToday,
      headroomPence: headroom,
    },
    cases: results,
    summary,
    diagnostic: { leastSquaresPoundsPerPointPence: leastSquares, rSquared },
  };
  return {
    ...result,
    explanation: explainCalibration(result, { budgetGiven: input.budgetPence !== undefined, topSliceBasisPoints }),
  };
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** Checks a proposed scheme as a scheme, with its problems pointed under `/proposed`. */
function compileProposal(proposed: ProposedScheme): CompiledScheme {
  return underPointer('/proposed', () => compileScheme({ key: 'proposed', ...proposed }));
}

function proposalOf(scheme: CompiledScheme): ProposedScheme {
  const { method, floorPoints, ceilingPence } = scheme.definition;
  return {
    method,
    ...(floorPoints === undefined ? {} : { floorPoints }),
    ...(ceilingPence === undefined ? {} : { ceilingPence }),
  };
}

/**
 * A proposed scheme in a few words, as the report's key figures and the explanation show it:
 * "£300.00 a point", or "3 bands, £5,000.00 to £20,000.00 a year, floor 10 points, ceiling £19,000.00".
 */
export function describeProposedScheme(proposed: ProposedScheme & { readonly derived?: boolean }): string {
  const { method, floorPoints, ceilingPence, derived } = proposed;
  const parts = [
    method.type === 'linear'
      ? `${formatPounds(method.poundsPerPointPence)} a point${derived ? ' (the rate the budget affords)' : ''}`
      : `${method.bands.length} bands, ${formatPounds(method.bands[0]?.annualPence ?? 0)} to ${formatPounds(method.bands.at(-1)?.annualPence ?? 0)} a year`,
  ];
  if (floorPoints !== undefined) parts.push(`floor ${floorPoints} points`);
  if (ceilingPence !== undefined) parts.push(`ceiling ${formatPounds(ceilingPence)}`);
  return parts.join(', ');
}

function describeProposal(proposed: ProposedScheme & { readonly derived: boolean }, totalPoints: number, projectedTotal: Pence): string {
  const { method, floorPoints, ceilingPence } = proposed;
  const simple = method.type === 'linear' && floorPoints === undefined && ceilingPence === undefined;
  const sum = simple ? `: ${totalPoints} points × ${formatPounds(method.poundsPerPointPence)} = ${formatPounds(projectedTotal)}` : '';
  return `The proposed scheme is ${describeProposedScheme(proposed)}${sum}.`;
}
