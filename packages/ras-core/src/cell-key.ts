import { fail } from './errors.js';
import { multiplyDivide } from './money.js';
import { repeatableRandom } from './repeatable-random.js';

/**
 * Cell-key perturbation: the statistical disclosure control the fairness report applies to every
 * figure it publishes, so that no combination of its figures, across every grouping, pins down one
 * person's budget or a small hidden group's mean.
 *
 * It is the method the ONS used for Census 2021 tables, with the Australian Bureau of Statistics'
 * TableBuilder treatment of magnitudes (Fraser and Wooton 2005; Thompson, Broadfoot and Elazar
 * 2013):
 *
 * - Every record (here, an agreed budget) carries a random **record key**, drawn once and stored.
 * - A cell's **cell key** is the sum of its records' keys (modulo 2^32). The same people give the
 *   same cell key however the cell is reached: through another grouping, another format, or the
 *   same report asked for again. So the same cell always gets the same noise, and asking many
 *   times averages nothing away.
 * - A **count** gets a small whole-number noise from a perturbation table looked up by the cell key
 *   ({@link COUNT_NOISE}): at most ±2, zero on average, never below zero; zeros stay zero.
 * - A **total** (of money, or of points) gets noise scaled by its largest contributions: up to
 *   ±{@link MAGNITUDE_SHARE_BASIS_POINTS} basis points (15%) of the sum of its
 *   {@link TOP_CONTRIBUTORS} largest values, uniform over that range.
 *
 * Totals are perturbed in the finest cells (the people who share a group on every grouping), and
 * every published total is the sum of its finest cells' perturbed totals. Perturbing each published
 * total on its own would give an adversary several routes to the same people (one grouping minus
 * another, everyone minus the rest), each with its own noise, and where two routes' noise fell at
 * opposite ends, intersecting them would pin the people down (the property test found exactly
 * that). Added up from the finest cells, every route gives the same answer, and the best anyone
 * can learn of a finest cell is its perturbed total: for up to four people that is their total
 * moved by up to 15% of itself, which no arithmetic can narrow to ±10%.
 */

/** How many of a cell's largest values scale its noise: every set of up to this many people is protected. */
export const TOP_CONTRIBUTORS = 4;

/** The largest noise on a total, in basis points of its {@link TOP_CONTRIBUTORS} largest values (15%). */
export const MAGNITUDE_SHARE_BASIS_POINTS = 1_500;

/**
 * The perturbation table for counts: for a count of 1, and of 2 or more, the noise and how often
 * it is drawn (per thousand). Zero on average; a count is never made negative.
 */
export const COUNT_NOISE: readonly (readonly (readonly [noise: number, perThousand: number])[])[] = [
  [[0, 1_000]],
  [
    [-1, 250],
    [0, 500],
    [1, 250],
  ],
  [
    [-2, 100],
    [-1, 200],
    [0, 400],
    [1, 200],
    [2, 100],
  ],
];

/** The method as a report names it. */
export const CELL_KEY_METHOD = {
  name: 'cell-key perturbation',
  countNoiseAtMost: 2,
  magnitudeSharePercent: MAGNITUDE_SHARE_BASIS_POINTS / 100,
  topContributors: TOP_CONTRIBUTORS,
} as const;

const MODULUS = 4_294_967_296;

/**
 * A cell's key: the sum of its records' keys, modulo 2^32.
 *
 * @param recordKeys - each record's key, a whole number from 0 to 2^32 − 1
 * @returns the cell key, from 0 to 2^32 − 1
 * @throws RasError `INVALID_NUMBER` for a key that is not such a whole number
 * @example
 * ```ts
 * cellKeyOf([4_000_000_000, 500_000_000]); // 205_032_704
 * ```
 */
export function cellKeyOf(recordKeys: readonly number[]): number {
  let key = 0;
  for (const recordKey of recordKeys) {
    if (!Number.isInteger(recordKey) || recordKey < 0 || recordKey >= MODULUS)
      fail('INVALID_NUMBER', '/recordKey', 'must be a whole number from 0 to 2^32 − 1');
    key = (key + recordKey) % MODULUS;
  }
  return key;
}

/** A number in [0, 1) for one cell and one variable: the same pair always draws the same. */
function draw(cellKey: number, variable: string): number {
  return repeatableRandom(`${variable}:${cellKey}`)();
}

/**
 * A count with its cell's noise from {@link COUNT_NOISE}. The same records always give the same
 * published count, whichever figure shows it.
 *
 * @param count - the true count, a whole number
 * @param cellKey - the cell key of the records counted ({@link cellKeyOf})
 * @returns the count to publish, never negative
 * @example
 * ```ts
 * perturbedCount(0, 12345); // 0: zeros stay zero
 * ```
 */
export function perturbedCount(count: number, cellKey: number): number {
  if (!Number.isSafeInteger(count) || count < 0) fail('INVALID_NUMBER', '/count', 'must be a whole number, not negative');
  const table = COUNT_NOISE[Math.min(count, 2)] as (typeof COUNT_NOISE)[number];
  const at = Math.floor(draw(cellKey, 'count') * 1_000);
  let cumulative = 0;
  for (const [noise, perThousand] of table) {
    cumulative += perThousand;
    if (at < cumulative) return count + noise;
  }
  return count;
}

/**
 * The largest noise a total of these values can get: {@link MAGNITUDE_SHARE_BASIS_POINTS} of its
 * {@link TOP_CONTRIBUTORS} largest values (by size, sign ignored), rounded up.
 *
 * @param values - whole numbers (pence or points), of either sign
 * @returns the bound, a whole number
 * @example
 * ```ts
 * magnitudeBound([100, 200, 300, 400, 500]); // 15% of 1,400 = 210
 * ```
 */
export function magnitudeBound(values: readonly number[]): number {
  const sizes = values.map((value) => Math.abs(value)).sort((a, b) => b - a);
  const top = sizes.slice(0, TOP_CONTRIBUTORS).reduce((sum, value) => sum + value, 0);
  return multiplyDivide(top, MAGNITUDE_SHARE_BASIS_POINTS, 10_000, 'up');
}

/**
 * A total with its cell's noise: anywhere from −{@link magnitudeBound} to +{@link magnitudeBound},
 * in whole units, drawn by the cell key for this variable (so a cell's budgets and its points get
 * different noise, and the same cell's budgets always the same).
 *
 * @param values - the cell's values, whole numbers of either sign
 * @param cellKey - the cell key of the records ({@link cellKeyOf})
 * @param variable - what is totalled, e.g. `budget`
 * @returns the total to publish
 * @example
 * ```ts
 * const total = perturbedTotal([600_000, 500_000, 700_000, 650_000, 550_000], 987_654, 'budget');
 * // within 15% of £25,000.00 (the four largest) of the true total, £30,000.00
 * ```
 */
export function perturbedTotal(values: readonly number[], cellKey: number, variable: string): number {
  let total = 0;
  for (const value of values) total += value;
  if (!Number.isSafeInteger(total)) fail('MONEY_OVERFLOW', '/total', 'the total is too large to count exactly');
  // Per mille of the largest noise, uniform from −1000 to 1000.
  const perMille = Math.floor(draw(cellKey, variable) * 2_001) - 1_000;
  const sizes = values.map((value) => Math.abs(value)).sort((a, b) => b - a);
  const top = sizes.slice(0, TOP_CONTRIBUTORS).reduce((sum, value) => sum + value, 0);
  const noise = multiplyDivide(top, Math.abs(perMille) * MAGNITUDE_SHARE_BASIS_POINTS, 10_000_000, 'half-up');
  return perMille < 0 ? total - noise : total + noise;
}
