// Issue 11: every figure a council's finance team checks first, worked by hand in the comments
// and asserted over HTTP. One describe per case in the issue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t);
});
afterAll(() => t.close());

describe('1. the desktop exercise tests a proposed scheme against what the cases cost today', () => {
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

describe('4. charging rules that make no sense are a 422 naming the field', () => {
  const inputs = {
    weeklyIncomePence: 30_000,
    capitalPence: 1_500_000,
    weeklyHousingCostsPence: 0,
    weeklyDisabilityRelatedExpenditurePence: 2_000,
    weeklyMinimumIncomeGuaranteePence: 22_800,
    weeklyCostOfCarePence: 40_000,
  };
  const rules = { lowerCapitalLimitPence: 1_425_000, upperCapitalLimitPence: 2_325_000, tariffStepPence: 25_000, tariffPerStepPence: 100 };

  it('refuses capital limits the wrong way round', async () => {
    const response = await t.call('POST', '/v1/calculations/contribution', {
      key: council.keys.assessor,
      body: { ...inputs, rules: { ...rules, lowerCapitalLimitPence: 2_325_000, upperCapitalLimitPence: 1_425_000 } },
    });
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors).toEqual([
      expect.objectContaining({ pointer: '/rules/lowerCapitalLimitPence', detail: expect.stringContaining('£14,250.00') }),
    ]);
  });

  it('refuses a £0 tariff step, naming it under the financial assessment’s calculate', async () => {
    const person = (
      await t.call('POST', '/v1/people', { key: council.keys.assessor, body: { clientGroup: 'learning-disability' } })
    ).json();
    const response = await t.call('POST', `/v1/people/${person.id}/financial-assessments`, {
      key: council.keys.finance,
      body: { effectiveFrom: '2026-04-01', calculate: { ...inputs, rules: { ...rules, tariffStepPence: 0 } } },
    });
    expect(response.statusCode).toBe(422);
    expect(problemOf(response).errors?.map((e) => e.pointer)).toEqual(['/calculate/rules/tariffStepPence']);
  });

  it('refuses a negative Minimum Income Guarantee at the schema, naming it', async () => {
    const response = await t.call('POST', '/v1/calculations/contribution', {
      key: council.keys.assessor,
      body: { ...inputs, weeklyMinimumIncomeGuaranteePence: -1 },
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.[0]?.pointer).toBe('/weeklyMinimumIncomeGuaranteePence');
  });
});

describe('5. every money figure is exact or the request is refused', () => {
  it('refuses an amount above £1,000,000,000 with the field named', async () => {
    const response = await t.call('POST', '/v1/calculations/contribution', {
      key: council.keys.assessor,
      body: {
        weeklyIncomePence: Number.MAX_SAFE_INTEGER,
        capitalPence: 0,
        weeklyHousingCostsPence: 0,
        weeklyDisabilityRelatedExpenditurePence: 0,
        weeklyMinimumIncomeGuaranteePence: 0,
        weeklyCostOfCarePence: Number.MAX_SAFE_INTEGER,
      },
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.map((e) => e.pointer)).toContain('/weeklyIncomePence');
  });

  it('refuses the clawback inputs that once came back as 18,014,398,509,481,982 pence', async () => {
    // Before: councilPaidPence and personPaidPence of 2^53 − 1 each were added in floating point.
    const response = await t.call('POST', '/v1/calculations/clawback', {
      key: council.keys.finance,
      body: {
        annualPence: 1_000_000,
        councilPaidPence: Number.MAX_SAFE_INTEGER,
        personPaidPence: Number.MAX_SAFE_INTEGER,
        spentPence: 0,
        clawback: { type: 'percent', percent: 20 },
      },
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.map((e) => e.pointer)).toEqual(expect.arrayContaining(['/councilPaidPence', '/personPaidPence']));
  });

  it('adds the largest amounts it accepts exactly', async () => {
    // £1bn from the council and £1bn from the person: £2bn paid in, exactly 200,000,000,000 pence.
    // Nothing spent; 20% of a £1bn year may be kept, so £2bn − £200m = £1.8bn is over, of which
    // the council may reclaim no more than the £1bn it paid in.
    const response = await t.call('POST', '/v1/calculations/clawback', {
      key: council.keys.finance,
      body: {
        annualPence: 100_000_000_000,
        councilPaidPence: 100_000_000_000,
        personPaidPence: 100_000_000_000,
        spentPence: 0,
        clawback: { type: 'percent', percent: 20 },
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ paidInPence: 200_000_000_000, allowancePence: 20_000_000_000, clawbackPence: 100_000_000_000 });
  });
});
