// A budget’s explanation: arithmetic a person can redo.
// Issue 11's figures, worked by hand in the comments and asserted over HTTP; each case keeps
// the number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWERS_25, setUpCouncil } from './helpers/council-setup.js';
import { AFTER_THE_FIRST_YEAR } from './helpers/plan.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ clock: AFTER_THE_FIRST_YEAR });
});
afterAll(() => t.close());

describe('a budget’s explanation (issue 11, case 7): are arithmetic a person can redo', () => {
  it('shows the unrounded full year × weeks ÷ 52, then the pound it rounds to; and keeps both referrals', async () => {
    const c = await setUpCouncil(
      t,
      {},
      {
        rounding: 'pound',
        ceilingPence: 400_000,
        method: { type: 'banded', bands: [{ fromPoints: 0, toPoints: 20, annualPence: 500_050 }] },
      },
    );
    // 25 points is above the top band (0–20), whose £5,000.50 shows; rounded, £5,001 is above the
    // £4,000 ceiling. Half a year: £5,000.50 × 26 ÷ 52 = £2,500.25, to the nearest pound £2,500.
    const response = await t.call('POST', '/v1/calculations/budget', {
      key: c.keys.assessor,
      body: { schemeId: c.schemeId, answers: ANSWERS_25, weeksAtHome: 26 },
    });
    expect(response.statusCode, response.body).toBe(200);
    const budget = response.json();
    expect(budget.rasAnnualPence).toBe(250_000);
    expect(budget.explanation.find((step: { key: string }) => step.key === 'pro-rata').text).toBe(
      'Support is for 26 of 52 weeks: £5,000.50 (the full-year amount before rounding) × 26 ÷ 52 = £2,500.25, which is £2,500.00 to the nearest pound.',
    );
    expect(budget.referrals.map((r: { reason: string }) => r.reason)).toEqual(['above-top-band', 'above-ceiling']);
    expect(budget.referral.reason).toBe('above-top-band');
  });
});
