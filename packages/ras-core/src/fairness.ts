import { CELL_KEY_METHOD, cellKeyOf, perturbedCount, perturbedTotal } from './cell-key.js';
import { assertCalendarDate, type CalendarDate, dayBefore, financialYear } from './dates.js';
import { fail } from './errors.js';
import { divide, type Pence } from './money.js';
import { repeatableRandom } from './repeatable-random.js';

/**
 * The fairness report's maths: how agreed budgets fall across groups of people, with a count and a
 * 95% interval for every figure, protected so that no one can be picked out.
 *
 * Disclosure control: every count and total is published with cell-key perturbation
 * ({@link perturbedCount}, {@link perturbedTotal}), so that no combination of the report's
 * figures, across every grouping, pins down one person's budget or a hidden group's mean; groups
 * (and figures over part of a group) with fewer people than the threshold are not shown at all.
 *
 * Intervals: rates use the exact Clopper–Pearson interval over the published counts; money figures
 * (a mean, a ratio of totals) use the percentile bootstrap over the finest cells' perturbed totals
 * (not over people, whose spread would show their true budgets), with a fixed number of resamples
 * and a seed, its reach below and above rounded outwards to two significant figures and set about
 * the published value. Money stays in whole pence: every mean and ratio is rounded half-up once.
 */

/** The ways the report groups people. */
export const FAIRNESS_DIMENSIONS = ['clientGroup', 'primarySupportReason', 'ageBand', 'sex', 'ethnicGroup'] as const;
export type FairnessDimension = (typeof FAIRNESS_DIMENSIONS)[number];

/** One person's agreed budget in the period, with what happened to it. */
export interface FairnessCase {
  /**
   * The budget's record key for the disclosure control: a random whole number from 0 to 2^32 − 1,
   * drawn once when the budget is stored and kept with it, never shown (see {@link cellKeyOf}).
   */
  readonly recordKey: number;
  /** The person's group on each dimension; `null` is "not known" (it is reported as a group of its own). */
  readonly groups: Readonly<Record<FairnessDimension, string | null>>;
  readonly totalPoints: number;
  /** The RAS amount, before any transitional protection or panel decision. */
  readonly rasAnnualPence: Pence;
  /** What transitional protection added to it (default 0). */
  readonly protectedPence?: Pence;
  /** The amount the panel agreed in place of the RAS figure, when it set one. */
  readonly panelAnnualPence: Pence | null;
  /** The individual budget (the agreed amount plus added funding streams). */
  readonly budgetAnnualPence: Pence;
  /** The RAS figure was above the scheme's ceiling, so the panel decided the budget. */
  readonly ceilingReferral: boolean;
  /** The appeal against the budget, if one was lodged. */
  readonly appeal: 'lodged' | 'upheld' | 'not-upheld' | null;
  /** At an annual review: whether clawback was recommended; `null` when no annual review has been completed. */
  readonly clawback: boolean | null;
}

/** A figure, its 95% interval, and how many people it is worked out from. */
export interface Estimate {
  readonly value: number;
  readonly low: number;
  readonly high: number;
  readonly count: number;
}

/** A rate: events out of people, as a percentage to one decimal place, with its exact interval. */
export interface Rate extends Estimate {
  readonly events: number;
}

/** Every figure for one group (or for everyone). */
export interface GroupFigures {
  readonly people: number;
  /** Individual budget per person, pence (mean, bootstrap interval). */
  readonly budgetPerPersonPence: Estimate;
  /** Agreed amount per point, pence (total agreed ÷ total points, bootstrap interval); `null` when no one has points. */
  readonly moneyPerPointPence: Estimate | null;
  /** How often the panel moved a budget from its RAS figure. */
  readonly panelMoved: Rate;
  /**
   * How far, on average, among the budgets it moved: agreed − RAS, pence (signed). `null` when it
   * moved none, or when the few it moved are suppressed (see {@link SUBSET_FIGURES}).
   */
  readonly panelShiftPence: Estimate | null;
  readonly appeals: Rate;
  /** Of the appeals decided, how many were upheld; `null` when suppressed. */
  readonly appealsUpheld: Rate | null;
  /** Of the annual reviews completed, how many recommended clawback; `null` when suppressed. */
  readonly clawback: Rate | null;
  readonly ceilingReferrals: Rate;
}

/**
 * The figures worked out over only some of a group's people (those the panel moved, whose appeal
 * was decided, whose annual review is done): each is suppressed on its own when those people are
 * fewer than the threshold.
 */
export const SUBSET_FIGURES = ['panelShiftPence', 'appealsUpheld', 'clawback'] as const;
type SubsetFigure = (typeof SUBSET_FIGURES)[number];

/** One group's row: its figures, or `null` when suppressed. */
export interface FairnessGroup {
  readonly key: string | null;
  /** `true` when the group has fewer people than the threshold: its figures are not shown. */
  readonly suppressed: boolean;
  readonly figures: GroupFigures | null;
}

export interface FairnessDimensionReport {
  readonly dimension: FairnessDimension;
  readonly groups: readonly FairnessGroup[];
}

export interface FairnessOptions {
  /** Groups with fewer people are suppressed (default 5). */
  readonly threshold?: number;
  /** Bootstrap resamples (default 1,000). */
  readonly resamples?: number;
  /** Bootstrap seed (default "fairness"), with each cell's key: the same seed and people give the same interval. */
  readonly seed?: string;
}

export interface FairnessAnalysis {
  readonly everyone: GroupFigures | null;
  readonly dimensions: readonly FairnessDimensionReport[];
  readonly method: {
    readonly threshold: number;
    readonly confidence: 95;
    readonly rates: 'exact Clopper–Pearson';
    readonly money: 'percentile bootstrap';
    readonly resamples: number;
    readonly seed: string;
    /** The disclosure control every figure went through. */
    readonly disclosureControl: typeof CELL_KEY_METHOD;
  };
}

/**
 * The period a fairness report may cover: one whole financial year that has ended (default: the
 * last one before `today`). Only one kind of period, never overlapping and never still open, so
 * that two reports cannot be subtracted to single out the budgets agreed in a day or a quarter,
 * which would undo the suppression.
 *
 * @throws RasError `INVALID_DATE` naming `/query/from` or `/query/to` for any other period
 */
export function fairnessPeriod(today: CalendarDate, from?: CalendarDate, to?: CalendarDate): { from: CalendarDate; to: CalendarDate } {
  const last = financialYear(dayBefore(financialYear(today).from));
  const year = financialYear(assertCalendarDate(from ?? (to === undefined ? last.from : financialYear(to).from), '/query/from'));
  if (from !== undefined && from !== year.from)
    fail(
      'INVALID_DATE',
      '/query/from',
      `must be the first day of a financial year (${year.from}): the report covers whole financial years`,
    );
  if (to !== undefined && to !== year.to)
    fail('INVALID_DATE', '/query/to', `must be ${year.to}, the last day of the financial year from ${year.from}`);
  if (year.to >= today)
    fail(
      'INVALID_DATE',
      to === undefined ? '/query/from' : '/query/to',
      `the financial year to ${year.to} has not ended: the report covers ended years only`,
    );
  return year;
}

/** log Γ(x), Lanczos approximation (g = 7), for x > 0. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0] as number;
  for (let i = 1; i < 9; i++) sum += (c[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-12) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** The p-quantile of Beta(a, b), by bisection (60 halvings: far below a tenth of a percent). */
function betaQuantile(p: number, a: number, b: number): number {
  let low = 0;
  let high = 1;
  for (let i = 0; i < 60; i++) {
    const middle = (low + high) / 2;
    if (incompleteBeta(middle, a, b) < p) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

const percent = (fraction: number) => Math.round(fraction * 1000) / 10;
// An interval is rounded outwards, so that rounding never makes it narrower than it is.
const percentDown = (fraction: number) => Math.floor(fraction * 1000 + 1e-9) / 10;
const percentUp = (fraction: number) => Math.ceil(fraction * 1000 - 1e-9) / 10;

/**
 * `events` out of `count` as a percentage with its exact (Clopper–Pearson) 95% interval.
 *
 * @example
 * ```ts
 * clopperPearson(0, 10); // { value: 0, low: 0, high: 30.9, count: 10, events: 0 }
 * ```
 */
export function clopperPearson(events: number, count: number): Rate {
  if (count === 0) return { value: 0, low: 0, high: 0, count, events };
  const low = events === 0 ? 0 : betaQuantile(0.025, events, count - events + 1);
  const high = events === count ? 1 : betaQuantile(0.975, events + 1, count - events);
  return { value: percent(events / count), low: percentDown(low), high: percentUp(high), count, events };
}

/** The 2.5th and 97.5th percentiles of sorted values (nearest rank). */
function percentiles(sorted: readonly number[]): [number, number] {
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
  return [at(0.025), at(0.975)];
}

/** Rounds a non-negative whole number up to two significant figures: 12,345 → 13,000. */
function upToTwoFigures(value: number): number {
  if (value < 100) return value;
  const unit = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Math.ceil(value / unit) * unit;
}

/** `top ÷ bottom` in whole units, half-up, either sign; `null` when nothing to divide by. */
function ratio(top: number, bottom: number): number | null {
  if (bottom <= 0) return null;
  return top < 0 ? -divide(-top, bottom, 'half-up') : divide(top, bottom, 'half-up');
}

/**
 * The 95% percentile-bootstrap interval of a ratio of totals, Σ numerator ÷ Σ denominator, over
 * units (here the finest cells), as how far it reaches below and above the figure, each rounded
 * outwards to two significant figures.
 */
function bootstrapReach(
  numerators: readonly number[],
  denominators: readonly number[],
  resamples: number,
  random: () => number,
): { below: number; above: number } {
  const n = numerators.length;
  const value = ratio(
    numerators.reduce((sum, x) => sum + x, 0),
    denominators.reduce((sum, x) => sum + x, 0),
  );
  if (value === null) return { below: 0, above: 0 };
  const draws: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let top = 0;
    let bottom = 0;
    for (let i = 0; i < n; i++) {
      const pick = Math.floor(random() * n);
      top += numerators[pick] as number;
      bottom += denominators[pick] as number;
    }
    const drawn = ratio(top, bottom);
    if (drawn !== null) draws.push(drawn);
  }
  draws.sort((a, b) => a - b);
  const [low, high] = draws.length === 0 ? [value, value] : percentiles(draws);
  return { below: upToTwoFigures(Math.max(0, value - low)), above: upToTwoFigures(Math.max(0, high - value)) };
}

/** The RAS figure a case started from (with protection) and the amount agreed in its place. */
const rasFigure = (c: FairnessCase) => c.rasAnnualPence + (c.protectedPence ?? 0);
const agreedAmount = (c: FairnessCase) => c.panelAnnualPence ?? rasFigure(c);

/** The people each subset figure is worked out over: budgets the panel moved, decided appeals, completed reviews. */
function subsets(cases: readonly FairnessCase[]): Record<SubsetFigure, FairnessCase[]> {
  return {
    panelShiftPence: cases.filter((c) => agreedAmount(c) !== rasFigure(c)),
    appealsUpheld: cases.filter((c) => c.appeal === 'upheld' || c.appeal === 'not-upheld'),
    clawback: cases.filter((c) => c.clawback !== null),
  };
}

/** One variable a total is taken of, with the name that salts its noise. */
interface Variable {
  readonly name: string;
  readonly of: (c: FairnessCase) => number;
}

/**
 * The published figures of a set of people. A count is perturbed by the cell key of exactly the
 * people it counts, so the same people give the same count wherever it appears. A total is the sum
 * of its finest cells' perturbed totals (people who share every group: see {@link perturbedTotal}),
 * so every grouping's totals agree with every other's and no two routes to the same people carry
 * two views of their noise.
 */
class Cells {
  constructor(
    private readonly threshold: number,
    private readonly resamples: number,
    private readonly seed: string,
    private readonly finestCellOf: (c: FairnessCase) => string,
  ) {}

  /**
   * A count as published: perturbed by the cell key of exactly the people counted. A count of a
   * group or part of a group big enough to be shown is never published below the threshold, so a
   * shown count never gives away that the true count is the threshold exactly.
   */
  count(cases: readonly FairnessCase[]): number {
    return publishedCount(
      cases.map((c) => c.recordKey),
      this.threshold,
    );
  }

  /** Each finest cell's perturbed total of a variable, with its number of people, in a fixed order. */
  private finestCells(cases: readonly FairnessCase[], variable: Variable): { total: number; people: number }[] {
    const finest = new Map<string, FairnessCase[]>();
    for (const c of cases) {
      const cell = this.finestCellOf(c);
      const members = finest.get(cell);
      if (members) members.push(c);
      else finest.set(cell, [c]);
    }
    return [...finest.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, members]) => ({
        total: perturbedTotal(members.map(variable.of), cellKeyOf(members.map((c) => c.recordKey)), variable.name),
        people: members.length,
      }));
  }

  /** A rate over the published counts: events (clipped to the count) out of people. */
  rate(events: readonly FairnessCase[], people: readonly FairnessCase[]): Rate {
    const count = this.count(people);
    return clopperPearson(Math.min(this.count(events), count), count);
  }

  /**
   * Σ numerator ÷ Σ denominator over the finest cells' perturbed totals (over the number of
   * people, for a mean), with its interval. The interval resamples finest cells, not people: like
   * the figure, it is worked out from the cells' perturbed totals alone, so it says nothing of any
   * one person that the noise does not cover (resampling people would show the spread of their
   * true budgets: in a small group, the largest one).
   */
  estimate(cases: readonly FairnessCase[], numerator: Variable, denominator: Variable | 'people'): Estimate | null {
    const tops = this.finestCells(cases, numerator);
    // A mean divides by the true number of people: the count's own noise (up to 2 people) would
    // move a small group's mean by far more than the total's, and protects nothing the total's noise does not.
    const bottoms =
      denominator === 'people' ? tops.map((cell) => cell.people) : this.finestCells(cases, denominator).map((cell) => cell.total);
    const value = ratio(
      tops.reduce((sum, cell) => sum + cell.total, 0),
      bottoms.reduce((sum, bottom) => sum + bottom, 0),
    );
    if (value === null) return null;
    // Seeded by the people too, so the same people always get the same interval.
    const key = cellKeyOf(cases.map((c) => c.recordKey));
    const { below, above } = bootstrapReach(
      tops.map((cell) => cell.total),
      bottoms,
      this.resamples,
      repeatableRandom(`${this.seed}:${numerator.name}:${key}`),
    );
    return { value, low: value - below, high: value + above, count: this.count(cases) };
  }
}

/**
 * A count as the fairness report publishes it: perturbed by the cell key of the records counted
 * ({@link perturbedCount}), and, when the true count reaches the threshold (so the figure is
 * shown), never below the threshold.
 *
 * @param recordKeys - the record key of each record counted
 * @param threshold - the smallest group shown
 * @returns the count to publish
 * @example
 * ```ts
 * publishedCount([11, 22, 33, 44, 55], 5); // 5, 6 or 7: five people, never shown as 3 or 4
 * ```
 */
export function publishedCount(recordKeys: readonly number[], threshold: number): number {
  const perturbed = perturbedCount(recordKeys.length, cellKeyOf(recordKeys));
  return recordKeys.length >= threshold ? Math.max(threshold, perturbed) : perturbed;
}

const BUDGET: Variable = { name: 'budget', of: (c) => c.budgetAnnualPence };
const AGREED: Variable = { name: 'agreed', of: agreedAmount };
const POINTS: Variable = { name: 'points', of: (c) => c.totalPoints };
const SHIFT: Variable = { name: 'shift', of: (c) => agreedAmount(c) - rasFigure(c) };

function figuresOf(cases: readonly FairnessCase[], threshold: number, cells: Cells): GroupFigures {
  const { panelShiftPence: moved, appealsUpheld: decided, clawback: reviewed } = subsets(cases);
  // A figure over part of the group: not shown for fewer people than the threshold (none is "none").
  const small = (part: readonly FairnessCase[]) => part.length > 0 && part.length < threshold;
  return {
    people: cells.count(cases),
    budgetPerPersonPence: cells.estimate(cases, BUDGET, 'people') as Estimate,
    moneyPerPointPence: cells.estimate(cases, AGREED, POINTS),
    panelMoved: cells.rate(moved, cases),
    panelShiftPence: moved.length === 0 || small(moved) ? null : cells.estimate(moved, SHIFT, 'people'),
    appeals: cells.rate(
      cases.filter((c) => c.appeal !== null),
      cases,
    ),
    appealsUpheld: small(decided)
      ? null
      : cells.rate(
          decided.filter((c) => c.appeal === 'upheld'),
          decided,
        ),
    clawback: small(reviewed)
      ? null
      : cells.rate(
          reviewed.filter((c) => c.clawback === true),
          reviewed,
        ),
    ceilingReferrals: cells.rate(
      cases.filter((c) => c.ceilingReferral),
      cases,
    ),
  };
}

/**
 * Works out the fairness report's figures over a caseload: for everyone, and for each group on
 * each dimension (people whose group is not known form a group of their own). Groups with fewer
 * people than the threshold are not shown; every figure shown is perturbed by cell keys
 * ({@link perturbedCount}, {@link perturbedTotal}), so that no combination of them singles out a
 * person or a hidden group. The same caseload always gives the same figures.
 *
 * @example
 * ```ts
 * const analysis = analyseFairness(cases);
 * analysis.dimensions.find((d) => d.dimension === 'sex')?.groups;
 * ```
 */
export function analyseFairness(cases: readonly FairnessCase[], options: FairnessOptions = {}): FairnessAnalysis {
  const threshold = options.threshold ?? 5;
  const resamples = options.resamples ?? 1_000;
  const seed = options.seed ?? 'fairness';
  const finestCellOf = (c: FairnessCase) => JSON.stringify(FAIRNESS_DIMENSIONS.map((dimension) => c.groups[dimension]));
  const cells = new Cells(threshold, resamples, seed, finestCellOf);
  const everyone = cases.length < threshold ? null : figuresOf(cases, threshold, cells);
  const dimensions = FAIRNESS_DIMENSIONS.map((dimension) => {
    const byGroup = new Map<string | null, FairnessCase[]>();
    for (const c of cases) {
      const key = c.groups[dimension];
      const list = byGroup.get(key);
      if (list) list.push(c);
      else byGroup.set(key, [c]);
    }
    const keys = [...byGroup.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
    return {
      dimension,
      groups: keys.map((key) => {
        const members = byGroup.get(key) as FairnessCase[];
        const suppressed = members.length < threshold;
        return { key, suppressed, figures: suppressed ? null : figuresOf(members, threshold, cells) };
      }),
    };
  });
  return {
    everyone,
    dimensions,
    method: {
      threshold,
      confidence: 95,
      rates: 'exact Clopper–Pearson',
      money: 'percentile bootstrap',
      resamples,
      seed,
      disclosureControl: CELL_KEY_METHOD,
    },
  };
}
