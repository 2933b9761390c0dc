import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AllocationScheme, allocateBudget, compileScheme, RasError, validateScheme } from '../src/index.js';

const linear = (overrides: Partial<AllocationScheme> = {}) =>
  compileScheme({ key: 'ld', method: { type: 'linear', poundsPerPointPence: 25_000 }, ...overrides });
const banded = compileScheme({
  key: 'bands',
  method: {
    type: 'banded',
    bands: [
      { fromPoints: 5, toPoints: 9, annualPence: 150_000 },
      { fromPoints: 10, toPoints: 19, annualPence: 400_000 },
      { fromPoints: 20, toPoints: 39, annualPence: 900_000 },
    ],
  },
});

describe('validateScheme', () => {
  it('finds gaps and overlaps between bands, naming each band', () => {
    const problems = validateScheme({
      key: 'x',
      method: {
        type: 'banded',
        bands: [
          { fromPoints: 0, toPoints: 10, annualPence: 1 },
          { fromPoints: 12, toPoints: 20, annualPence: 2 },
          { fromPoints: 20, toPoints: 18, annualPence: 3 },
        ],
      },
    });
    expect(problems).toEqual([
      { pointer: '/method/bands/1/fromPoints', detail: 'leaves a gap: must be 11, one after the previous band ends' },
      { pointer: '/method/bands/2/toPoints', detail: 'must not be below fromPoints' },
      { pointer: '/method/bands/2/fromPoints', detail: 'overlaps the previous band: must be 21, one after the previous band ends' },
    ]);
  });

  it('checks money, percentages, weeks and dates', () => {
    const problems = validateScheme({
      key: 'x',
      method: { type: 'linear', poundsPerPointPence: 12.5 },
      ceilingPence: -1,
      clawback: { type: 'percent', percent: 120 },
      weeksPerYear: 60,
      rounding: 'shilling',
      effectiveFrom: '2026-04-01',
      effectiveTo: '2026-03-01',
    });
    expect(problems.map((problem) => problem.pointer)).toEqual([
      '/method/poundsPerPointPence',
      '/ceilingPence',
      '/weeksPerYear',
      '/rounding',
      '/clawback/percent',
      '/effectiveTo',
    ]);
  });
});

describe('allocateBudget', () => {
  it.each([
    [linear(), 40, {}, 1_000_000, 1_000_000], // 40 × £250
    [linear(), 40, { weeksAtHome: 38 }, 1_000_000, 730_769], // × 38/52 = 730,769.23 → 730,769
    [linear(), 1, { weeksAtHome: 26 }, 25_000, 12_500],
    [linear({ rounding: 'pound' }), 3, { weeksAtHome: 38 }, 75_000, 54_800], // 75,000 × 38/52 = 54,807.69 → £548
    [linear({ weeksPerYear: 52.14 }), 10, { weeksAtHome: 26.07 }, 250_000, 125_000],
    [banded, 4, {}, 0, 0], // below the first band
    [banded, 9, {}, 150_000, 150_000],
    [banded, 10, {}, 400_000, 400_000],
  ])('scheme %#, %i points, %j → full year %i, RAS %i', (scheme, totalPoints, options, fullYear, ras) => {
    const budget = allocateBudget(scheme, { totalPoints }, options);
    expect(budget.fullYearPence).toBe(fullYear);
    expect(budget.rasAnnualPence).toBe(ras);
  });

  it('refers an eligible person below the floor for an amount set outside the RAS, saying why', () => {
    const budget = allocateBudget(linear({ floorPoints: 12 }), { totalPoints: 11 });
    expect(budget.belowFloor).toBe(true);
    expect(budget.rasAnnualPence).toBe(0);
    expect(budget.referrals).toEqual([
      { reason: 'below-floor', totalPoints: 11, detail: expect.stringContaining('Resource Allocation Panel') },
    ]);
    const floor = budget.explanation.find((step) => step.key === 'floor');
    expect(floor?.text).toContain("below the scheme's floor of 12 points");
    expect(floor?.text).toContain('your care coordinator sets the amount');
  });

  it('gives the scheme’s floor amount below the floor when the scheme says so, pro-rata like any RAS amount', () => {
    const scheme = linear({ floorPoints: 12, belowFloor: { action: 'floor-amount', annualPence: 104_000 } });
    const budget = allocateBudget(scheme, { totalPoints: 3 }, { weeksAtHome: 26 });
    expect(budget.belowFloor).toBe(true);
    expect(budget.referrals).toEqual([]);
    expect(budget.fullYearPence).toBe(104_000);
    expect(budget.rasAnnualPence).toBe(52_000); // £1,040 × 26 ÷ 52
    expect(budget.explanation.find((step) => step.key === 'floor')?.text).toContain('floor amount: £1,040.00 a year');
    // At the floor the RAS counts as usual: 12 × £250.
    expect(allocateBudget(scheme, { totalPoints: 12 }).rasAnnualPence).toBe(300_000);
  });

  it('treats points below the lowest band as below the floor', () => {
    expect(allocateBudget(banded, { totalPoints: 4 }).referrals.map((r) => r.reason)).toEqual(['below-floor']);
    const floored = compileScheme({ ...banded.definition, belowFloor: { action: 'floor-amount', annualPence: 50_000 } });
    expect(allocateBudget(floored, { totalPoints: 4 }).rasAnnualPence).toBe(50_000);
  });

  it('rejects a floor amount of £0 and an unknown action', () => {
    expect(validateScheme({ ...banded.definition, belowFloor: { action: 'floor-amount', annualPence: 0 } })).toEqual([
      { pointer: '/belowFloor/annualPence', detail: 'must be a whole number of pence above 0: nobody eligible gets £0' },
    ]);
    expect(validateScheme({ ...banded.definition, belowFloor: { action: 'advice' } })).toEqual([
      { pointer: '/belowFloor/action', detail: 'must be "floor-amount" or "refer"' },
    ]);
  });

  it('still computes and shows an amount above the ceiling, and refers it', () => {
    const budget = allocateBudget(linear({ ceilingPence: 900_000 }), { totalPoints: 40 });
    expect(budget.rasAnnualPence).toBe(1_000_000);
    expect(budget.referral).toMatchObject({ reason: 'above-ceiling', ceilingPence: 900_000, fullYearPence: 1_000_000 });
  });

  it('refers a total above the top band, showing the top band’s amount', () => {
    const budget = allocateBudget(banded, { totalPoints: 45 });
    expect(budget.rasAnnualPence).toBe(900_000);
    expect(budget.referral).toMatchObject({ reason: 'above-top-band', topBandToPoints: 39 });
  });

  it('keeps both referrals when the points are above the top band and its amount above the ceiling', () => {
    const scheme = compileScheme({ ...banded.definition, ceilingPence: 800_000 });
    const budget = allocateBudget(scheme, { totalPoints: 45 });
    expect(budget.referrals.map((referral) => referral.reason)).toEqual(['above-top-band', 'above-ceiling']);
    expect(budget.referral?.reason).toBe('above-top-band');
  });

  it('writes pro-rata with pound rounding as arithmetic a person can redo', () => {
    // The full year is £5,000.50, which rounds to £5,001. Half a year is worked from the
    // unrounded amount: £5,000.50 × 26 ÷ 52 = £2,500.25, to the nearest pound £2,500.
    const scheme = compileScheme({
      key: 'pounds',
      rounding: 'pound',
      method: { type: 'banded', bands: [{ fromPoints: 0, toPoints: 99, annualPence: 500_050 }] },
    });
    const budget = allocateBudget(scheme, { totalPoints: 10 }, { weeksAtHome: 26 });
    expect(budget.rasAnnualPence).toBe(250_000);
    const text = (key: string) => budget.explanation.find((step) => step.key === key)?.text;
    expect(text('rounding')).toBe('The scheme rounds to whole pounds: £5,001.00.');
    expect(text('pro-rata')).toBe(
      'Support is for 26 of 52 weeks: £5,000.50 (the full-year amount before rounding) × 26 ÷ 52 = £2,500.25, which is £2,500.00 to the nearest pound.',
    );
  });

  it('shows a pro-rata that does not divide exactly with its digits, then the penny it rounds to', () => {
    // £6,250 × 14 ÷ 52 = £1,682.692307…: £1,682.69 to the nearest penny.
    const budget = allocateBudget(linear(), { totalPoints: 25 }, { weeksAtHome: 14 });
    expect(budget.rasAnnualPence).toBe(168_269);
    expect(budget.explanation.find((step) => step.key === 'pro-rata')?.text).toBe(
      'Support is for 14 of 52 weeks: £6,250.00 × 14 ÷ 52 = £1,682.6923…, which is £1,682.69 to the nearest penny.',
    );
  });

  it('keeps each funding stream visible: included streams pay part of the RAS amount, added ones come on top', () => {
    const budget = allocateBudget(
      linear(),
      { totalPoints: 40 },
      {
        fundingStreams: [
          { key: 'ilf', name: 'Independent Living Fund', mode: 'included', annualPence: 300_000 },
          { key: 'sp', name: 'Supporting People', mode: 'added', annualPence: 50_000 },
          { key: 'nhs', mode: 'added', annualPence: 25_000 },
        ],
        weeklyContributionPence: 3_000,
      },
    );
    expect(budget.totalAnnualPence).toBe(1_075_000);
    expect(budget.councilAnnualPence).toBe(700_000);
    expect(budget.annualContributionPence).toBe(156_000); // £30 × 52
    expect(budget.netAnnualPence).toBe(544_000);
    expect(budget.streams.map((stream) => stream.name)).toEqual(['Independent Living Fund', 'Supporting People', 'nhs']);
  });

  it('caps the contribution at the council share', () => {
    const budget = allocateBudget(linear(), { totalPoints: 1 }, { weeklyContributionPence: 100_000 });
    expect(budget.annualContributionPence).toBe(25_000);
    expect(budget.netAnnualPence).toBe(0);
  });

  it('lets the panel set an amount outside the RAS, which replaces it in every total', () => {
    const budget = allocateBudget(linear(), { totalPoints: 40 }, { panelAmount: { annualPence: 1_500_000, reason: 'Waking nights' } });
    expect(budget.rasAnnualPence).toBe(1_000_000);
    expect(budget.totalAnnualPence).toBe(1_500_000);
    expect(budget.explanation.map((step) => step.key)).toContain('panel-amount');
  });

  it('refuses bad inputs with the field named', () => {
    expect(() => allocateBudget(linear(), { totalPoints: 1 }, { weeksAtHome: 53 })).toThrow(/weeksAtHome/);
    expect(() => allocateBudget(linear(), { totalPoints: 1 }, { weeklyContributionPence: -1 })).toThrow(RasError);
    expect(() =>
      allocateBudget(linear(), { totalPoints: 10 }, { fundingStreams: [{ key: 'ilf', mode: 'included', annualPence: 250_001 }] }),
    ).toThrow(/cannot pay more/);
  });

  it('explains every step, ending with what the council pays', () => {
    const budget = allocateBudget(linear(), { totalPoints: 40 }, { weeksAtHome: 38, weeklyContributionPence: 2_000 });
    expect(budget.explanation.map((step) => step.key)).toEqual([
      'total-points',
      'ras-full-year',
      'pro-rata',
      'ras-amount',
      'contribution',
      'net',
    ]);
    expect(budget.explanation.at(-1)).toMatchObject({ value: budget.netAnnualPence, unit: 'pence' });
  });

  it('computes exactly the same figures without the explanation', () => {
    const options = {
      weeksAtHome: 38,
      weeklyContributionPence: 2_000,
      fundingStreams: [{ key: 'ilf', mode: 'included' as const, annualPence: 1_000 }],
    };
    const { explanation, ...full } = allocateBudget(linear({ ceilingPence: 10 }), { totalPoints: 40 }, options);
    const { explanation: none, ...bulk } = allocateBudget(
      linear({ ceilingPence: 10 }),
      { totalPoints: 40 },
      { ...options, explain: false },
    );
    expect(bulk).toEqual(full);
    expect(explanation.length).toBeGreaterThan(0);
    expect(none).toEqual([]);
  });

  it('always keeps the money rules: parts add up, nothing negative, net + contribution = council share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 5_200 }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.array(
          fc.record({ mode: fc.constantFrom('included' as const, 'added' as const), annualPence: fc.integer({ min: 0, max: 200_000 }) }),
          { maxLength: 4 },
        ),
        fc.constantFrom('penny' as const, 'pound' as const),
        (points, perPoint, weeksHundredths, weekly, streams, rounding) => {
          const scheme = compileScheme({ key: 'p', method: { type: 'linear', poundsPerPointPence: perPoint }, rounding });
          const fundingStreams = streams.map((stream, index) => ({ key: `s${index}`, ...stream }));
          let budget: ReturnType<typeof allocateBudget>;
          try {
            budget = allocateBudget(
              scheme,
              { totalPoints: points },
              { weeksAtHome: weeksHundredths / 100, weeklyContributionPence: weekly, fundingStreams },
            );
          } catch (error) {
            // The only refusal: included streams larger than the RAS amount.
            expect((error as RasError).code).toBe('INVALID_FUNDING_STREAMS');
            return;
          }
          const included = fundingStreams.filter((s) => s.mode === 'included').reduce((sum, s) => sum + s.annualPence, 0);
          const added = fundingStreams.filter((s) => s.mode === 'added').reduce((sum, s) => sum + s.annualPence, 0);
          expect(budget.totalAnnualPence).toBe(budget.rasAnnualPence + added);
          expect(budget.councilAnnualPence).toBe(budget.rasAnnualPence - included);
          expect(budget.netAnnualPence + budget.annualContributionPence).toBe(budget.councilAnnualPence);
          for (const value of [budget.rasAnnualPence, budget.councilAnnualPence, budget.netAnnualPence, budget.annualContributionPence]) {
            expect(Number.isSafeInteger(value) && value >= 0).toBe(true);
          }
          expect(budget.rasAnnualPence).toBeLessThanOrEqual(budget.fullYearPence + 50);
          if (rounding === 'pound') expect(budget.rasAnnualPence % 100).toBe(0);
        },
      ),
    );
  });
});
