import { describe, expect, it } from 'vitest';
import { analyseFairness, clopperPearson, type FairnessCase, groupsToSuppress } from '../src/index.js';

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
  it('gives the exact Clopper–Pearson interval', () => {
    // With no events the upper limit has a closed form: 1 − 0.025^(1/n); for n = 10, 30.85%.
    expect(clopperPearson(0, 10)).toEqual({ value: 0, low: 0, high: 30.8, events: 0, count: 10 });
    // And with every one an event, symmetrically: 0.025^(1/n) = 69.15%.
    expect(clopperPearson(10, 10)).toEqual({ value: 100, low: 69.2, high: 100, events: 10, count: 10 });
    // 5 of 10: 18.7% to 81.3% (the published table value).
    expect(clopperPearson(5, 10)).toMatchObject({ value: 50, low: 18.7, high: 81.3 });
  });

  it('suppresses groups under the threshold, and more until none can be worked out from the total', () => {
    // One small group alone: the next smallest is hidden with it.
    expect(
      groupsToSuppress(
        new Map([
          ['a', 20],
          ['b', 7],
          ['c', 3],
        ]),
        5,
      ),
    ).toEqual(
      new Map([
        ['c', 'fewer-than-threshold'],
        ['b', 'protects-another-group'],
      ]),
    );
    // Two small groups hidden together hold 2: one more is hidden so together they hold 5 or more.
    expect(
      [
        ...groupsToSuppress(
          new Map([
            ['a', 20],
            ['b', 9],
            ['c', 1],
            [null, 1],
          ]),
          5,
        ).keys(),
      ].sort(),
    ).toEqual(['b', 'c', null].sort());
    // Nothing under the threshold: nothing hidden.
    expect(groupsToSuppress(new Map([['a', 5]]), 5).size).toBe(0);
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
