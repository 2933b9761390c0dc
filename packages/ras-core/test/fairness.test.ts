import { describe, expect, it } from 'vitest';
import { analyseFairness, clopperPearson, type FairnessCase, fairnessPeriod, groupsToSuppress, RasError } from '../src/index.js';

const person = (sex: string | null, budget: number, points: number): FairnessCase => ({
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

  it('suppresses groups under the threshold, and more until those hidden hold at least the threshold', () => {
    const sizes = (entries: [string | null, number][]) => new Map(entries);
    // One small group alone: the next smallest is hidden with it.
    expect(
      groupsToSuppress(
        sizes([
          ['a', 20],
          ['b', 7],
          ['c', 3],
        ]),
        5,
      ),
    ).toEqual(new Set(['c', 'b']));
    // Two small groups hold 2 between them: one more is hidden.
    expect(
      groupsToSuppress(
        sizes([
          ['a', 20],
          ['b', 9],
          ['c', 1],
          [null, 1],
        ]),
        5,
      ),
    ).toEqual(new Set(['c', null, 'b']));
    // Groups already hidden count towards the total; groups of 0 are not hidden.
    expect(
      groupsToSuppress(
        sizes([
          ['a', 3],
          ['b', 0],
          ['c', 9],
        ]),
        5,
        new Set(['c']),
      ),
    ).toEqual(new Set(['c', 'a']));
    expect(groupsToSuppress(sizes([['a', 5]]), 5).size).toBe(0);
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
    expect(women?.panelMoved).toMatchObject({ events: 2, count: 6 });
    expect(women?.panelShiftPence).toBeNull();
    expect(analysis.everyone?.panelShiftPence).toBeNull();
    // With 5 moved, it is shown: −£100.00 each.
    const more = [
      ...Array.from({ length: 5 }, () => moved(person('female', 600_000, 24))),
      ...Array.from({ length: 5 }, () => person('male', 500_000, 20)),
    ];
    expect(analyseFairness(more).everyone?.panelShiftPence).toEqual({ value: -10_000, low: -10_000, high: -10_000, count: 5 });
  });

  it('reports whole financial years that have ended, and nothing else', () => {
    expect(fairnessPeriod('2027-04-10')).toEqual({ from: '2026-04-01', to: '2027-03-31' });
    expect(fairnessPeriod('2027-04-10', '2025-04-01')).toEqual({ from: '2025-04-01', to: '2026-03-31' });
    expect(() => fairnessPeriod('2027-04-10', '2026-04-02')).toThrow(RasError);
    expect(() => fairnessPeriod('2027-03-31', '2026-04-01')).toThrow(/has not ended/);
  });

  it('works money out in whole pence, with the same bootstrap interval for the same seed', () => {
    const cases = [
      ...Array.from({ length: 6 }, (_, i) => person('female', 600_000 + i * 10_001, 24)),
      ...Array.from({ length: 5 }, () => person('male', 500_000, 20)),
    ];
    const first = analyseFairness(cases);
    const women = first.dimensions.find((d) => d.dimension === 'sex')?.groups.find((g) => g.key === 'female')?.figures;
    // (6 × £6,000.00 + £100.01 × (0 + 1 + … + 5)) ÷ 6 = £6,250.025 → £6,250.03 (half-up).
    expect(women?.budgetPerPersonPence.value).toBe(625_003);
    expect(Number.isInteger(women?.budgetPerPersonPence.low)).toBe(true);
    expect(women?.budgetPerPersonPence.low).toBeLessThanOrEqual(625_003);
    expect(analyseFairness(cases)).toEqual(first);
    expect(analyseFairness(cases, { seed: 'another' }).dimensions).not.toEqual(first.dimensions);
  });
});
