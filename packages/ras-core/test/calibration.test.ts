import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateBudget, calibrate, compileScheme, RasError, renderCalibrationReport } from '../src/index.js';

const CASES = [
  { ref: 'A', points: 20, currentAnnualPence: 500_000, clientGroup: 'older-people' },
  { ref: 'B', points: 60, currentAnnualPence: 1_500_000, clientGroup: 'learning-disability' },
  { ref: 'C', points: 40, currentAnnualPence: 700_000, clientGroup: 'learning-disability' },
  { ref: 'D', points: 0, currentAnnualPence: 0 },
];

describe('calibrate', () => {
  it('sets £/point from the budget less the top slice, rounding down', () => {
    // Budget = Σ current = 2,700,000. Top slice 10% = 270,000. Available 2,430,000 over 120 points
    // = 20,250 a point exactly.
    const result = calibrate({ cases: CASES, topSlicePercent: 10 });
    expect(result).toMatchObject({
      budgetPence: 2_700_000,
      topSlicePence: 270_000,
      availablePence: 2_430_000,
      totalPoints: 120,
      poundsPerPointPence: 20_250,
      projectedTotalPence: 2_430_000,
    });
    // The proposal is the derived rate: it costs £24,300 against £27,000 today, £2,700 less.
    expect(result.integrity).toEqual({
      passes: true,
      currentTotalPence: 2_700_000,
      projectedTotalPence: 2_430_000,
      differencePence: -270_000,
      headroomPence: 0,
    });
    expect(result.proposed).toEqual({ method: { type: 'linear', poundsPerPointPence: 20_250 }, derived: true });
    expect(result.cases.map((c) => c.differencePence)).toEqual([405_000 - 500_000, 1_215_000 - 1_500_000, 810_000 - 700_000, 0]);
    expect(result.summary).toMatchObject({ winners: 1, losers: 2, unchanged: 1 });
    // |differences| 95,000; 285,000; 110,000; 0 → mean 122,500; median (95,000 + 110,000)/2 = 102,500
    expect(result.summary.meanAbsoluteDifferencePence).toBe(122_500);
    expect(result.summary.medianAbsoluteDifferencePence).toBe(102_500);
    expect(result.summary.biggestGain).toEqual({ ref: 'C', differencePence: 110_000 });
    expect(result.summary.biggestLoss).toEqual({ ref: 'B', differencePence: -285_000 });
    expect(result.summary.byClientGroup).toEqual([
      {
        clientGroup: 'learning-disability',
        cases: 2,
        points: 100,
        currentPence: 2_200_000,
        projectedPence: 2_025_000,
        differencePence: -175_000,
      },
      { clientGroup: 'older-people', cases: 1, points: 20, currentPence: 500_000, projectedPence: 405_000, differencePence: -95_000 },
    ]);
  });

  it('takes a given budget and a fractional top slice, half up', () => {
    // 1,000,001 × 12.5% = 125,000.125 → 125,000; available 875,001 over 120 points = 7,291.675 → 7,291
    const result = calibrate({ cases: CASES, budgetPence: 1_000_001, topSlicePercent: 12.5 });
    expect(result.topSlicePence).toBe(125_000);
    expect(result.poundsPerPointPence).toBe(7_291);
    expect(result.integrity.headroomPence).toBe(875_001 - 7_291 * 120);
  });

  it('reports the least-squares £/point through the origin and its R²', () => {
    const exact = calibrate({
      cases: [
        { ref: 'x', points: 10, currentAnnualPence: 100_000 },
        { ref: 'y', points: 20, currentAnnualPence: 200_000 },
      ],
      topSlicePercent: 0,
    });
    expect(exact.diagnostic).toEqual({ leastSquaresPoundsPerPointPence: 10_000, rSquared: 1 });
  });

  it.each([
    [{ cases: [], topSlicePercent: 10 }, '/cases'],
    [{ cases: [{ ref: 'a', points: 0, currentAnnualPence: 100 }], topSlicePercent: 10 }, '/cases'],
    [{ cases: [{ ref: 'a', points: -1, currentAnnualPence: 100 }], topSlicePercent: 10 }, '/cases/0/points'],
    [{ cases: [{ ref: 'a', points: 1, currentAnnualPence: 10.5 }], topSlicePercent: 10 }, '/cases/0/currentAnnualPence'],
    [{ cases: [{ ref: 'a', points: 1, currentAnnualPence: 1 }], topSlicePercent: 10, budgetPence: -5 }, '/budgetPence'],
  ])('refuses %j, naming %s', (input, pointer) => {
    try {
      calibrate(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RasError);
      expect((error as RasError).problems[0]?.pointer).toBe(pointer);
    }
  });

  it('fails a proposed scheme that would cost more than the cases cost today (seed 002, slide 30)', () => {
    // Three cases costing £51,800.50 today with 190 points in all. Proposed: £300 a point.
    // Projected 190 × £300 = £57,000.00; £57,000.00 − £51,800.50 = £5,199.50 more: it fails.
    const cases = [
      { ref: 'P1', points: 50, currentAnnualPence: 1_500_000 },
      { ref: 'P2', points: 60, currentAnnualPence: 1_680_050 },
      { ref: 'P3', points: 80, currentAnnualPence: 2_000_000 },
    ];
    const result = calibrate({
      cases,
      topSlicePercent: 0,
      proposed: { method: { type: 'linear', poundsPerPointPence: 30_000 } },
    });
    expect(result.integrity).toEqual({
      passes: false,
      currentTotalPence: 5_180_050,
      projectedTotalPence: 5_700_000,
      differencePence: 519_950,
      headroomPence: -519_950,
    });
    expect(result.cases.map((c) => c.projectedAnnualPence)).toEqual([1_500_000, 1_800_000, 2_400_000]);
    expect(result.explanation.find((s) => s.key === 'integrity')?.text).toBe(
      'The cases cost £51,800.50 today; the proposal costs £57,000.00 − £51,800.50 = £5,199.50 more, so it fails the integrity test.',
    );
    expect(renderCalibrationReport(result)).toContain('<strong class="fail">fails</strong> by £5,199.50');
  });

  it('projects a banded proposal with a floor and a ceiling as allocateBudget would', () => {
    // Bands: 0–29 £5,000; 30–59 £12,000; 60–99 £20,000. Floor 10 points; ceiling £15,000.
    // D (0 points) is below the floor: £0. A (20) £5,000; C (40) £12,000; B (60) £20,000, above
    // the ceiling, so it counts and goes to the panel. Projected £37,000 against £27,000 today.
    const result = calibrate({
      cases: CASES,
      topSlicePercent: 10,
      proposed: {
        method: {
          type: 'banded',
          bands: [
            { fromPoints: 0, toPoints: 29, annualPence: 500_000 },
            { fromPoints: 30, toPoints: 59, annualPence: 1_200_000 },
            { fromPoints: 60, toPoints: 99, annualPence: 2_000_000 },
          ],
        },
        floorPoints: 10,
        ceilingPence: 1_500_000,
      },
    });
    expect(result.cases.map((c) => c.projectedAnnualPence)).toEqual([500_000, 2_000_000, 1_200_000, 0]);
    expect(result.referrals).toBe(1);
    expect(result.integrity).toMatchObject({ passes: false, projectedTotalPence: 3_700_000, differencePence: 1_000_000 });
    expect(result.poundsPerPointPence).toBe(20_250);
    // The report draws the bands as steps, beside the rate the budget affords.
    const html = renderCalibrationReport(result);
    expect(html).toContain('<polyline points="');
    expect(html).toContain('class="afford"');
    expect(html).toContain('3 bands, £5,000.00 to £20,000.00 a year, floor 10 points, ceiling £15,000.00');
  });

  it('projects every case exactly as allocateBudget allocates it under the proposal', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ref: fc.constant('x'),
            points: fc.integer({ min: 0, max: 200 }),
            currentAnnualPence: fc.integer({ min: 0, max: 5_000_000 }),
          }),
          {
            minLength: 1,
            maxLength: 50,
          },
        ),
        fc.integer({ min: 0, max: 100_000 }),
        fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
        fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
        (cases, rate, floorPoints, ceilingPence) => {
          fc.pre(cases.some((c) => c.points > 0));
          const proposed = {
            method: { type: 'linear' as const, poundsPerPointPence: rate },
            ...(floorPoints === undefined ? {} : { floorPoints }),
            ...(ceilingPence === undefined ? {} : { ceilingPence }),
          };
          const result = calibrate({ cases, topSlicePercent: 0, proposed });
          const scheme = compileScheme({ key: 'p', ...proposed });
          const allocations = cases.map((c) => allocateBudget(scheme, { totalPoints: c.points }, { explain: false }));
          expect(result.cases.map((c) => c.projectedAnnualPence)).toEqual(allocations.map((a) => a.rasAnnualPence));
          expect(result.referrals).toBe(allocations.filter((a) => a.referrals.some((r) => r.reason === 'above-ceiling')).length);
        },
      ),
    );
  });

  it('names a bad proposed scheme’s field under /proposed', () => {
    try {
      calibrate({
        cases: CASES,
        topSlicePercent: 0,
        proposed: {
          method: {
            type: 'banded',
            bands: [
              { fromPoints: 0, toPoints: 10, annualPence: 1 },
              { fromPoints: 12, toPoints: 20, annualPence: 2 },
            ],
          },
        },
      });
      expect.unreachable();
    } catch (error) {
      expect((error as RasError).problems[0]?.pointer).toBe('/proposed/method/bands/1/fromPoints');
    }
  });

  it('at the derived rate, never spends more than is available, and the headroom is what is left', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ref: fc.string({ minLength: 1 }),
            points: fc.integer({ min: 0, max: 300 }),
            currentAnnualPence: fc.integer({ min: 0, max: 20_000_000 }),
          }),
          { minLength: 1, maxLength: 200 },
        ),
        fc.integer({ min: 0, max: 10_000 }),
        (cases, basisPoints) => {
          fc.pre(cases.some((c) => c.points > 0));
          const result = calibrate({ cases, topSlicePercent: basisPoints / 100 });
          expect(result.integrity.passes).toBe(true);
          expect(result.projectedTotalPence).toBeLessThanOrEqual(result.availablePence);
          expect(result.integrity.headroomPence).toBe(result.availablePence - result.projectedTotalPence);
          expect(result.topSlicePence + result.availablePence).toBe(result.budgetPence);
          // Rounding down loses less than one penny a point.
          expect(result.integrity.headroomPence).toBeLessThan(result.totalPoints);
          expect(result.summary.winners + result.summary.losers + result.summary.unchanged).toBe(cases.length);
        },
      ),
    );
  });
});

describe('renderCalibrationReport', () => {
  it('renders one self-contained page with the chart and escapes what the council typed', () => {
    const result = calibrate({
      cases: [...CASES, { ref: '<script>alert(1)</script>', points: 5, currentAnnualPence: 1 }],
      topSlicePercent: 10,
    });
    const html = renderCalibrationReport(result, { council: 'Demo & Borough', generatedOn: '2026-11-24' });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    expect(html).toContain('Demo &amp; Borough');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  it('samples a large exercise for the chart and lists the biggest gains and losses only', () => {
    const cases = Array.from({ length: 10_000 }, (_, i) => ({
      ref: `case-${i}`,
      points: (i % 97) + 1,
      currentAnnualPence: ((i * 7919) % 2_000_000) + 1,
    }));
    const html = renderCalibrationReport(calibrate({ cases, topSlicePercent: 5 }));
    expect((html.match(/<circle/g) ?? []).length).toBe(2_000);
    expect(html).toContain('the 50 biggest gains and the 50 biggest losses');
    expect(html.length).toBeLessThan(1_000_000);
  });
});
