import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrate, RasError, renderCalibrationReport } from '../src/index.js';

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
    expect(result.integrity).toEqual({ passes: true, headroomPence: 0 });
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

  it('never fails the integrity check, and the headroom is what is left', () => {
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
