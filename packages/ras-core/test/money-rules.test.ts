import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CARE_ACT_2014_RULES, calculateClawback, calculateContribution, RasError, reviewDates, schedulePayments } from '../src/index.js';

describe('calculateContribution (Care Act 2014)', () => {
  const base = {
    weeklyIncomePence: 30_000,
    weeklyHousingCostsPence: 1_500,
    weeklyDisabilityRelatedExpenditurePence: 2_000,
    weeklyMinimumIncomeGuaranteePence: 22_800,
    weeklyCostOfCarePence: 10_000,
  };
  it.each([
    [0, 0, 3_700, false],
    [1_425_000, 0, 3_700, false], // at the lower limit: disregarded
    [1_425_001, 100, 3_800, false], // a penny over: one £250 step "or part"
    [1_450_000, 100, 3_800, false], // exactly one step
    [1_450_001, 200, 3_900, false],
    [2_325_000, 3_600, 7_300, false], // at the upper limit: 36 steps
    [2_325_001, 0, 10_000, true], // over it: the full cost
  ])('capital %i → tariff %i, charge %i, full cost %s', (capitalPence, tariff, charge, fullCost) => {
    const result = calculateContribution({ ...base, capitalPence });
    expect(result).toMatchObject({ tariffIncomePence: tariff, weeklyContributionPence: charge, fullCost });
    expect(result.explanation.at(-1)?.value).toBe(charge);
  });

  it('never charges below zero or above the cost of care', () => {
    expect(calculateContribution({ ...base, weeklyIncomePence: 10_000, capitalPence: 0 }).weeklyContributionPence).toBe(0);
    expect(calculateContribution({ ...base, weeklyIncomePence: 100_000, capitalPence: 0 }).weeklyContributionPence).toBe(10_000);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        (income, capital, cost) => {
          const result = calculateContribution({ ...base, weeklyIncomePence: income, capitalPence: capital, weeklyCostOfCarePence: cost });
          expect(result.weeklyContributionPence).toBeGreaterThanOrEqual(0);
          expect(result.weeklyContributionPence).toBeLessThanOrEqual(cost);
        },
      ),
    );
  });

  it('takes other thresholds as parameters', () => {
    const rules = { ...CARE_ACT_2014_RULES, lowerCapitalLimitPence: 1_000_000, tariffStepPence: 50_000, tariffPerStepPence: 200 };
    expect(calculateContribution({ ...base, capitalPence: 1_100_000 }, rules).tariffIncomePence).toBe(400);
    expect(() => calculateContribution({ ...base, capitalPence: -1 })).toThrow(RasError);
  });
});

describe('schedulePayments', () => {
  it('splits the net amount into 12 monthly instalments, remainder to the earliest, month ends kept', () => {
    const schedule = schedulePayments(1_000_000, '2026-01-31');
    expect(schedule.map((i) => i.amountPence)).toEqual([...Array(4).fill(83_334), ...Array(8).fill(83_333)]);
    expect(schedule.map((i) => i.dueDate).slice(0, 3)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31']);
    expect(schedulePayments(1, '2028-01-31').at(1)?.dueDate).toBe('2028-02-29');
  });

  it('splits into 13 four-weekly instalments', () => {
    const schedule = schedulePayments(521_000, '2026-05-01', { frequency: 'four-weekly' });
    expect(schedule).toHaveLength(13);
    expect(schedule.map((i) => i.dueDate).slice(0, 2)).toEqual(['2026-05-01', '2026-05-29']);
    expect(schedule.at(-1)?.dueDate).toBe('2027-04-02');
  });

  it('always adds up exactly, with no instalment more than a penny from another', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000_000 }),
        fc.constantFrom('monthly' as const, 'four-weekly' as const),
        (amount, frequency) => {
          const amounts = schedulePayments(amount, '2026-04-01', { frequency }).map((i) => i.amountPence);
          expect(amounts.reduce((sum, part) => sum + part, 0)).toBe(amount);
          expect(Math.max(...amounts) - Math.min(...amounts)).toBeLessThanOrEqual(1);
          expect([...amounts].sort((a, b) => b - a)).toEqual(amounts);
        },
      ),
    );
  });
});

describe('calculateClawback', () => {
  it.each([
    // annual, period weeks, council paid, person paid, spent, rule → allowance, clawback
    [1_000_000, 52, 1_000_000, 0, 700_000, { type: 'percent', percent: 20 }, 200_000, 100_000],
    [1_000_000, 26, 500_000, 0, 200_000, { type: 'percent', percent: 20 }, 100_000, 200_000], // half year: 20% × 26/52
    [1_040_000, 52, 1_040_000, 0, 500_000, { type: 'weeks', weeks: 8 }, 160_000, 380_000],
    [1_000_000, 52, 100_000, 900_000, 0, { type: 'percent', percent: 0 }, 0, 100_000], // never more than the council paid
    [1_000_000, 52, 1_000_000, 0, 1_200_000, { type: 'percent', percent: 20 }, 200_000, 0], // overspent: nothing
  ] as const)(
    'annual %i over %i weeks … → allowance %i, clawback %i',
    (annualPence, periodWeeks, councilPaidPence, personPaidPence, spentPence, rule, allowance, clawback) => {
      const result = calculateClawback({ annualPence, periodWeeks, councilPaidPence, personPaidPence, spentPence, rule });
      expect(result.allowancePence).toBe(allowance);
      expect(result.clawbackPence).toBe(clawback);
    },
  );

  it('refunds an overpaid contribution before reclaiming council money', () => {
    const result = calculateClawback({
      annualPence: 1_000_000,
      councilPaidPence: 900_000,
      personPaidPence: 150_000,
      contributionDuePence: 100_000,
      spentPence: 600_000,
      rule: { type: 'percent', percent: 20 },
    });
    // Unspent 450,000; refund 50,000 first; allowance 200,000; clawback 200,000.
    expect(result).toMatchObject({
      underspendPence: 450_000,
      contributionRefundPence: 50_000,
      allowancePence: 200_000,
      clawbackPence: 200_000,
    });
  });

  it('never reclaims more than the underspend or than the council paid, and nothing is negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 5_200 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 0, max: 12_000_000 }),
        fc.oneof(
          fc.integer({ min: 0, max: 10_000 }).map((bp) => ({ type: 'percent' as const, percent: bp / 100 })),
          fc.integer({ min: 0, max: 5_200 }).map((w) => ({ type: 'weeks' as const, weeks: w / 100 })),
        ),
        (annualPence, period, councilPaidPence, personPaidPence, spentPence, rule) => {
          const result = calculateClawback({ annualPence, periodWeeks: period / 100, councilPaidPence, personPaidPence, spentPence, rule });
          expect(result.clawbackPence).toBeLessThanOrEqual(result.underspendPence);
          expect(result.clawbackPence).toBeLessThanOrEqual(councilPaidPence);
          for (const value of [result.underspendPence, result.allowancePence, result.clawbackPence])
            expect(value).toBeGreaterThanOrEqual(0);
          expect(result.underspendPence).toBe(Math.max(0, councilPaidPence + personPaidPence - spentPence));
        },
      ),
    );
  });
});

describe('reviewDates', () => {
  it('puts the first review 4 weeks after the start, then one a year', () => {
    expect(reviewDates('2026-04-01', { years: 2 })).toEqual([
      { kind: 'first', dueDate: '2026-04-29' },
      { kind: 'annual', dueDate: '2027-04-01' },
      { kind: 'annual', dueDate: '2028-04-01' },
    ]);
    expect(reviewDates('2028-02-29', { firstAfterWeeks: 8 })).toEqual([
      { kind: 'first', dueDate: '2028-04-25' },
      { kind: 'annual', dueDate: '2029-02-28' },
    ]);
    expect(() => reviewDates('2026-02-30')).toThrow(RasError);
  });
});
