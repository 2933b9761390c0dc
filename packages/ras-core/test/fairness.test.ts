import { describe, expect, it } from 'vitest';
import {
  analyseFairness,
  COUNT_NOISE,
  cellKeyOf,
  clopperPearson,
  type FairnessCase,
  fairnessPeriod,
  magnitudeBound,
  perturbedCount,
  perturbedTotal,
  publishedCount,
  RasError,
} from '../src/index.js';

let nextKey = 1;
/** Record keys as the database draws them: random-looking whole numbers (here a fixed sequence). */
const recordKey = () => {
  nextKey = (nextKey * 48_271) % 2_147_483_647;
  return nextKey;
};

const person = (sex: string | null, budget: number, points: number): FairnessCase => ({
  recordKey: recordKey(),
  groups: { clientGroup: 'older-people', primarySupportReason: null, ageBand: null, sex, ethnicGroup: null },
  totalPoints: points,
  rasAnnualPence: budget,
  panelAnnualPence: null,
  budgetAnnualPence: budget,
  ceilingReferral: false,
  appeal: null,
  clawback: null,
});

describe('fairness maths', () => {
  it('gives the exact Clopper–Pearson interval, rounded outwards', () => {
    // With no events the upper limit has a closed form: 1 − 0.025^(1/n); for n = 10, 30.85%, shown as 30.9%.
    expect(clopperPearson(0, 10)).toEqual({ value: 0, low: 0, high: 30.9, events: 0, count: 10 });
    // And with every one an event, symmetrically: 0.025^(1/n) = 69.15%, shown as 69.1%.
    expect(clopperPearson(10, 10)).toEqual({ value: 100, low: 69.1, high: 100, events: 10, count: 10 });
    // 5 of 10: 18.71% to 81.29% (the published table value), never narrowed by rounding.
    expect(clopperPearson(5, 10)).toMatchObject({ value: 50, low: 18.7, high: 81.3 });
    // 3 of 20,000: an interval above 0 even at a tenth of a percent.
    expect(clopperPearson(3, 20_000).high).toBeGreaterThan(0);
  });

  it('hides a figure about a few people in a group, even when the group is shown', () => {
    // 6 women, 2 of whose budgets the panel moved: how far is a figure about 2 people.
    const moved = (c: FairnessCase): FairnessCase => ({ ...c, panelAnnualPence: c.rasAnnualPence - 10_000 });
    const cases = [
      ...Array.from({ length: 4 }, () => person('female', 600_000, 24)),
      ...Array.from({ length: 2 }, () => moved(person('female', 600_000, 24))),
      ...Array.from({ length: 5 }, () => person('male', 500_000, 20)),
    ];
    const analysis = analyseFairness(cases);
    const women = analysis.dimensions.find((d) => d.dimension === 'sex')?.groups.find((g) => g.key === 'female')?.figures;
    // Counts are perturbed by at most 2 either way.
    expect(Math.abs((women?.panelMoved.events ?? 99) - 2)).toBeLessThanOrEqual(2);
    expect(Math.abs((women?.panelMoved.count ?? 99) - 6)).toBeLessThanOrEqual(2);
    expect(women?.panelShiftPence).toBeNull();
    expect(analysis.everyone?.panelShiftPence).toBeNull();
    // With 5 moved, it is shown: −£100.00 each, the total moved by at most 15% of the 4 largest
    // (£400.00 × 15% = £60.00 over 5 people: £12.00 on the mean).
    const more = [
      ...Array.from({ length: 5 }, () => moved(person('female', 600_000, 24))),
      ...Array.from({ length: 5 }, () => person('male', 500_000, 20)),
    ];
    const shift = analyseFairness(more).everyone?.panelShiftPence;
    expect(shift?.value).toBeGreaterThanOrEqual(-10_000 - 1_200);
    expect(shift?.value).toBeLessThanOrEqual(-10_000 + 1_200);
    // Every shift is the same, so the bootstrap interval has no width: it sits on the published figure.
    expect(shift).toMatchObject({ low: shift?.value, high: shift?.value });
  });

  it('reports whole financial years that have ended, and nothing else', () => {
    expect(fairnessPeriod('2027-04-10')).toEqual({ from: '2026-04-01', to: '2027-03-31' });
    expect(fairnessPeriod('2027-04-10', '2025-04-01')).toEqual({ from: '2025-04-01', to: '2026-03-31' });
    expect(() => fairnessPeriod('2027-04-10', '2026-04-02')).toThrow(RasError);
    expect(() => fairnessPeriod('2027-03-31', '2026-04-01')).toThrow(/has not ended/);
  });

  it('works money out in whole pence, and gives the same figures for the same caseload', () => {
    const cases = [
      ...Array.from({ length: 6 }, (_, i) => person('female', 600_000 + i * 10_001, 24)),
      ...Array.from({ length: 5 }, () => person('male', 500_000, 20)),
    ];
    const first = analyseFairness(cases);
    const women = first.dimensions.find((d) => d.dimension === 'sex')?.groups.find((g) => g.key === 'female')?.figures;
    // (6 × £6,000.00 + £100.01 × (0 + 1 + … + 5)) ÷ 6 = £6,250.025; every woman is in one finest
    // cell, whose total moves by at most 15% of its 4 largest (£25,500.14 → £3,825.03), £637.51 on the mean.
    const value = women?.budgetPerPersonPence.value as number;
    expect(Number.isInteger(value)).toBe(true);
    expect(Math.abs(value - 625_002.5)).toBeLessThanOrEqual(63_751);
    expect(value).not.toBe(625_003);
    expect(women?.budgetPerPersonPence.low).toBeLessThanOrEqual(value);
    // Asked again, the same figures: nothing to average away.
    expect(analyseFairness(cases)).toEqual(first);
    expect(analyseFairness([...cases].reverse())).toEqual(analyseFairness([...cases].reverse()));
    // Another bootstrap seed moves only the intervals, never the figures.
    const other = analyseFairness(cases, { seed: 'another' });
    expect(other.everyone?.budgetPerPersonPence.value).toBe(first.everyone?.budgetPerPersonPence.value);
    expect(other.everyone?.people).toBe(first.everyone?.people);
  });

  it('gives the same people the same figures wherever they appear, and money totals that add up across groups', () => {
    // Everyone is an older person, so the client group is everyone by another route.
    const cases = Array.from({ length: 30 }, (_, i) => person(i % 3 === 0 ? 'male' : 'female', 400_000 + i * 9_973, 10 + (i % 7)));
    const analysis = analyseFairness(cases);
    const olderPeople = analysis.dimensions.find((d) => d.dimension === 'clientGroup')?.groups[0]?.figures;
    expect(olderPeople).toEqual(analysis.everyone);
    // Money is perturbed in the finest cells and added up: the groups of a grouping sum to everyone (to rounding).
    const sex = analysis.dimensions.find((d) => d.dimension === 'sex')?.groups ?? [];
    const sizes: Record<string, number> = { female: 20, male: 10 };
    const byGroups = sex.reduce((sum, g) => sum + (g.figures?.budgetPerPersonPence.value ?? 0) * (sizes[g.key ?? ''] ?? 0), 0);
    expect(Math.abs(byGroups - (analysis.everyone?.budgetPerPersonPence.value ?? 0) * 30)).toBeLessThanOrEqual(30);
  });
});

describe('what the figures say of the people in them', () => {
  it('depends on budgets only through each finest cell’s perturbed total: its sum and its four largest', () => {
    // Found in review: the intervals resampled people, so their reach showed the spread of true
    // budgets (in a group of five with one large budget, figure + 2 × reach gave that budget back).
    const group = (fifth: number, sixth: number): FairnessCase[] => [
      ...[200_000, 200_000, 200_000, 200_000, fifth, sixth].map((budget, i) => ({ ...person('female', budget, 20), recordKey: 1_000 + i })),
      ...Array.from({ length: 6 }, (_, i) => ({ ...person('male', 300_000 + i * 7_919, 25), recordKey: 2_000 + i })),
    ];
    // The same people in one finest cell, its sum (£9,000.00) and its four largest unchanged:
    // every figure, interval and count the same.
    expect(analyseFairness(group(90_000, 10_000))).toEqual(analyseFairness(group(60_000, 40_000)));
  });

  it('does not say that everyone in a group has the same budget', () => {
    // Found in review: eight people on £10,000.00 each were published with an interval of no width.
    const cases = Array.from({ length: 8 }, (_, i) => ({
      ...person('female', 1_000_000, 20),
      // Each in a finest cell of their own (another age band).
      groups: { clientGroup: 'older-people', primarySupportReason: null, ageBand: `band-${i}`, sex: 'female', ethnicGroup: null },
    }));
    const figure = analyseFairness(cases).everyone?.budgetPerPersonPence as { value: number; low: number; high: number };
    expect(figure.high - figure.low).toBeGreaterThan(0);
  });

  it('never publishes a shown group’s count below the threshold, so a count never gives its true size away', () => {
    for (let key = 0; key < 2_000; key += 7) {
      const five = [key, key + 1, key + 2, key + 3, key + 4];
      expect(publishedCount(five, 5)).toBeGreaterThanOrEqual(5);
      expect(publishedCount(five, 5)).toBeLessThanOrEqual(7);
      // A hidden group's count (of events, say) is perturbed as it is.
      expect(publishedCount([key, key + 1], 5)).toBeLessThanOrEqual(4);
    }
  });
});

describe('cell-key perturbation', () => {
  it('keys a cell by its records, whatever their order', () => {
    expect(cellKeyOf([4_000_000_000, 500_000_000])).toBe(205_032_704);
    expect(cellKeyOf([7, 11, 13])).toBe(cellKeyOf([13, 7, 11]));
    expect(() => cellKeyOf([1.5])).toThrow(RasError);
  });

  it('moves counts by the perturbation table: zeros stay zero, never below zero, at most 2, zero on average', () => {
    expect(perturbedCount(0, 123)).toBe(0);
    for (const count of [1, 2, 7, 250]) {
      const drawn = Array.from({ length: 4_000 }, (_, key) => perturbedCount(count, key * 1_000_003) - count);
      expect(Math.min(...drawn)).toBeGreaterThanOrEqual(Math.max(-2, -count));
      expect(Math.max(...drawn)).toBeLessThanOrEqual(2);
      // Each noise comes about as often as the table says (within 3 points in a hundred).
      for (const [noise, perThousand] of COUNT_NOISE[Math.min(count, 2)] ?? [])
        expect(Math.abs(drawn.filter((d) => d === noise).length / 4_000 - perThousand / 1_000)).toBeLessThan(0.03);
      expect(Math.abs(drawn.reduce((sum, d) => sum + d, 0) / 4_000)).toBeLessThan(0.05);
    }
  });

  it('moves totals by up to 15% of their 4 largest values, uniformly, the same for the same cell and variable', () => {
    const values = [100_000, 250_000, 90_000, 400_000, 10_000];
    // 15% of £8,400.00 (the four largest) = £1,260.00.
    expect(magnitudeBound(values)).toBe(126_000);
    const total = 850_000;
    const noise = Array.from({ length: 4_000 }, (_, key) => perturbedTotal(values, key * 2_654_435, 'budget') - total);
    expect(Math.max(...noise.map(Math.abs))).toBeLessThanOrEqual(126_000);
    // Uniform over ±£1,260.00: on average half of it, and as often above as below.
    const meanSize = noise.reduce((sum, x) => sum + Math.abs(x), 0) / noise.length;
    expect(meanSize / 126_000).toBeGreaterThan(0.45);
    expect(meanSize / 126_000).toBeLessThan(0.55);
    expect(Math.abs(noise.filter((x) => x > 0).length / noise.length - 0.5)).toBeLessThan(0.03);
    expect(perturbedTotal(values, 42, 'budget')).toBe(perturbedTotal(values, 42, 'budget'));
    expect(perturbedTotal(values, 42, 'points')).not.toBe(perturbedTotal(values, 42, 'budget'));
    // Signed values (a panel's shift) are scaled by their size.
    expect(magnitudeBound([-10_000, 5_000])).toBe(2_250);
  });
});
