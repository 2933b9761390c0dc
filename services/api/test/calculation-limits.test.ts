// Every money figure exact, or the request refused.
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

describe('calculations (issue 11, case 5): every money figure is exact or the request is refused', () => {
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
