import { describe, expect, it } from 'vitest';
import { allocateBudget, compileScheme, nextReviewInCycle, RasError, upratedAnnualPence, upratingSummary } from '../src/index.js';

const scheme = compileScheme({ key: 'ld', version: 2, method: { type: 'linear', poundsPerPointPence: 20_000 } });

describe('transitional protection', () => {
  it('limits a fall to the smaller of N% and £X, and shows what it added', () => {
    // 30 points × £200 = £6,000, down from £7,500. 10% of £7,500 = £750, £1,000 cap: the smaller, £750.
    // The budget falls to £6,750: £750 of protection.
    const budget = allocateBudget(
      scheme,
      { totalPoints: 30 },
      { transitionalProtection: { previousAnnualPence: 750_000, maxDecreasePercent: 10, maxDecreasePence: 100_000 } },
    );
    expect(budget.rasAnnualPence).toBe(600_000);
    expect(budget.transitionalProtection).toEqual({ previousAnnualPence: 750_000, allowedDecreasePence: 75_000, protectedPence: 75_000 });
    expect(budget.totalAnnualPence).toBe(675_000);
    expect(budget.councilAnnualPence).toBe(675_000);
    expect(budget.explanation.find((s) => s.key === 'transitional-protection')?.text).toBe(
      'Your budget was £7,500.00 a year. Transitional protection lets it fall by at most £750.00 in one year, so £750.00 is added: £6,750.00 a year.',
    );
  });

  it('rounds a percentage limit down to the penny, in the person’s favour, and adds nothing to a small fall or a rise', () => {
    // 7.5% of £6,333.33 = £474.99975 → £474.99 allowed; floor £5,858.34; RAS £5,800: £58.34 added.
    const fall = allocateBudget(
      scheme,
      { totalPoints: 29 },
      { transitionalProtection: { previousAnnualPence: 633_333, maxDecreasePercent: 7.5 } },
    );
    expect(fall.transitionalProtection?.protectedPence).toBe(5_834);
    expect(fall.totalAnnualPence).toBe(585_834);
    const small = allocateBudget(
      scheme,
      { totalPoints: 30 },
      { transitionalProtection: { previousAnnualPence: 620_000, maxDecreasePence: 50_000 } },
    );
    expect(small.transitionalProtection).toBeNull();
    expect(small.totalAnnualPence).toBe(600_000);
  });

  it('gives way to a panel amount, and needs a limit', () => {
    const panel = allocateBudget(
      scheme,
      { totalPoints: 30 },
      {
        panelAmount: { annualPence: 900_000, reason: 'x' },
        transitionalProtection: { previousAnnualPence: 1_000_000, maxDecreasePercent: 5 },
      },
    );
    expect(panel.transitionalProtection).toBeNull();
    expect(panel.totalAnnualPence).toBe(900_000);
    expect(() => allocateBudget(scheme, { totalPoints: 30 }, { transitionalProtection: { previousAnnualPence: 1 } })).toThrow(RasError);
  });
});

describe('upratingSummary', () => {
  it('counts winners, losers, unchanged and panel budgets by client group, with cost before and after', () => {
    const summary = upratingSummary([
      { clientGroup: 'older-people', oldAnnualPence: 500_000, newAnnualPence: 520_000, protectedPence: 0, outsideRas: false },
      { clientGroup: 'older-people', oldAnnualPence: 800_000, newAnnualPence: 700_000, protectedPence: 20_000, outsideRas: false },
      { clientGroup: 'learning-disability', oldAnnualPence: 300_000, newAnnualPence: 300_000, protectedPence: 0, outsideRas: false },
      // A panel amount stays as it was, whatever the new version says.
      { clientGroup: 'learning-disability', oldAnnualPence: 2_000_000, newAnnualPence: 1_500_000, protectedPence: 0, outsideRas: true },
    ]);
    expect(summary.overall).toEqual({
      people: 4,
      winners: 1,
      losers: 1,
      unchanged: 1,
      outsideRas: 1,
      protectedPeople: 1,
      costBeforePence: 3_600_000,
      costAfterPence: 3_540_000,
      protectedPence: 20_000,
    });
    expect(summary.byClientGroup.map((g) => [g.clientGroup, g.costBeforePence, g.costAfterPence])).toEqual([
      ['learning-disability', 2_300_000, 2_300_000],
      ['older-people', 1_300_000, 1_240_000],
    ]);
  });
});

describe('nextReviewInCycle', () => {
  it('counts each review of a cycle from the first, so the 31st comes back', () => {
    expect(nextReviewInCycle('2027-01-31', '2027-01-31', 3)).toBe('2027-04-30');
    expect(nextReviewInCycle('2027-01-31', '2027-04-30', 3)).toBe('2027-07-31');
    expect(nextReviewInCycle('2026-08-01', '2026-11-01', 6)).toBe('2027-05-01');
  });
});

describe('upratedAnnualPence', () => {
  it('is the new figure plus its protection, and today’s figure for a budget outside the RAS', () => {
    // A loser held at £6,750 by £750 of protection on a new figure of £6,000.
    expect(
      upratedAnnualPence({
        clientGroup: 'ld',
        oldAnnualPence: 750_000,
        newAnnualPence: 600_000,
        protectedPence: 75_000,
        outsideRas: false,
      }),
    ).toBe(675_000);
    // A winner: no protection.
    expect(
      upratedAnnualPence({ clientGroup: 'ld', oldAnnualPence: 500_000, newAnnualPence: 520_000, protectedPence: 0, outsideRas: false }),
    ).toBe(520_000);
    // The panel's own amount stands, whatever the new version would give.
    expect(
      upratedAnnualPence({ clientGroup: 'ld', oldAnnualPence: 900_000, newAnnualPence: 400_000, protectedPence: 0, outsideRas: true }),
    ).toBe(900_000);
  });
});
