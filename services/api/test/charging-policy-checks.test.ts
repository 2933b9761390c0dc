// Charging rules that make no sense: a 422 naming the field.
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

describe('charging rules (issue 11, case 4): that make no sense are a 422 naming the field', () => {
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
