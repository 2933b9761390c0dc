// The desktop exercise: a proposed scheme tested against what the cases cost today.
// Issue 11's figures, worked by hand in the comments and asserted over HTTP; each case keeps
// the number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { AFTER_THE_FIRST_YEAR } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;

beforeAll(async () => {
  t = await createTestApp({ clock: AFTER_THE_FIRST_YEAR });
  council = await setUpCouncil(t);
});
afterAll(() => t.close());

describe('the desktop exercise (issue 11, case 1) tests a proposed scheme against what the cases cost today', () => {
  // Three cases costing £15,000.00 + £16,800.50 + £20,000.00 = £51,800.50 today, 50 + 60 + 80 =
  // 190 points. Proposed: £300 a point. Projected 190 × £300 = £57,000.00, which is £57,000.00 −
  // £51,800.50 = £5,199.50 more than today: the proposal fails Wrexham's test.
  const cases = [
    { ref: 'P1', points: 50, currentAnnualPence: 1_500_000 },
    { ref: 'P2', points: 60, currentAnnualPence: 1_680_050 },
    { ref: 'P3', points: 80, currentAnnualPence: 2_000_000 },
  ];

  it('fails £300 a point by £5,199.50 and shows it in red in the report', async () => {
    const run = await t.call('POST', '/v1/calibrations', {
      key: council.keys.finance,
      body: { cases, topSlicePercent: 0, proposed: { method: { type: 'linear', poundsPerPointPence: 30_000 } } },
    });
    expect(run.statusCode, run.body).toBe(201);
    const result = run.json();
    expect(result.integrity).toEqual({
      passes: false,
      currentTotalPence: 5_180_050,
      projectedTotalPence: 5_700_000,
      differencePence: 519_950,
      headroomPence: -519_950,
    });
    // The rate the budget affords is still shown: floor(£51,800.50 ÷ 190) = £272.63.
    expect(result.poundsPerPointPence).toBe(27_263);
    expect(result.proposed).toEqual({ method: { type: 'linear', poundsPerPointPence: 30_000 }, derived: false });
    const report = await t.call('GET', `/v1/calibrations/${result.id}/report`, { key: council.keys.finance });
    expect(report.body).toContain('<strong class="fail">fails</strong> by £5,199.50');
    expect(report.body).toMatch(/\.fail \{ color: #d4351c; \}/);
  });

  it('passes the derived rate, which costs no more than today', async () => {
    // floor(£51,800.50 ÷ 190) = £272.63 a point; 190 × £272.63 = £51,799.70, 80p less than today.
    const run = await t.call('POST', '/v1/calibrations', { key: council.keys.finance, body: { cases, topSlicePercent: 0 } });
    expect(run.json().integrity).toEqual({
      passes: true,
      currentTotalPence: 5_180_050,
      projectedTotalPence: 5_179_970,
      differencePence: -80,
      headroomPence: 80,
    });
  });

  it('names a bad proposed band in a 422', async () => {
    const run = await t.call('POST', '/v1/calibrations', {
      key: council.keys.finance,
      body: {
        cases,
        topSlicePercent: 0,
        proposed: {
          method: {
            type: 'banded',
            bands: [
              { fromPoints: 0, toPoints: 10, annualPence: 100 },
              { fromPoints: 5, toPoints: 20, annualPence: 200 },
            ],
          },
        },
      },
    });
    expect(run.statusCode).toBe(422);
    expect(problemOf(run).errors?.[0]?.pointer).toBe('/proposed/method/bands/1/fromPoints');
  });
});
