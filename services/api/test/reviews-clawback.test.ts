// Clawback at review: the contribution due for the weeks the budget covers, and no more than a pot holds.
// Issue 11's figures, worked by hand in the comments and asserted over HTTP; each case keeps
// the number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpCouncil } from './helpers/council-setup.js';
import { AFTER_THE_FIRST_YEAR, agreedBudget, completeAnnualReview } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ clock: AFTER_THE_FIRST_YEAR });
});
afterAll(() => t.close());

/** Sends money into or out of a budget's account as finance. */
async function money(key: string, budgetId: string, body: Record<string, unknown>) {
  return t.call('POST', `/v1/budgets/${budgetId}/transactions`, { key, body: { occurredOn: '2026-05-01', ...body } });
}

describe('clawback at review (issue 11, case 3) takes the contribution due for the weeks the budget covers', () => {
  it('refunds £100.00 of contribution first, then reclaims £2,086.15, on a 14-week college budget', async () => {
    // The scheme's one band is £42,185.71 a year. For 14 weeks at home: £42,185.71 × 14 ÷ 52 =
    // £11,357.69 (to the penny). Contribution £25 × 14 = £350.00; the council pays £11,007.69.
    const college = await setUpCouncil(
      t,
      {},
      { method: { type: 'banded', bands: [{ fromPoints: 0, toPoints: 100, annualPence: 4_218_571 }] } },
    );
    const { budgetId } = await agreedBudget(t, college, { weeklyContributionPence: 2_500, budget: { weeksAtHome: 14 } });
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: college.keys.finance })).json();
    expect(account.agreement).toMatchObject({ grossAnnualPence: 1_135_769, contributionAnnualPence: 35_000, netAnnualPence: 1_100_769 });
    // The council pays £11,007.69 in one sum; the person pays £450.00; £7,000.00 is spent.
    expect((await money(college.keys.finance, budgetId, { kind: 'council-payment', amountPence: 1_100_769 })).statusCode).toBe(201);
    expect((await money(college.keys.finance, budgetId, { kind: 'contribution', amountPence: 45_000 })).statusCode).toBe(201);
    expect((await money(college.keys.finance, budgetId, { kind: 'spend', amountPence: 700_000, category: 'college' })).statusCode).toBe(
      201,
    );
    // Unspent: £11,457.69 − £7,000.00 = £4,457.69. Due: £350.00, so £100.00 is refunded first.
    // Allowance: 20% of £11,357.69 = £2,271.54 (half-up). Reclaim £4,457.69 − £100.00 − £2,271.54
    // = £2,086.15. (Before: the due contribution was £25 × 52 = £1,300, so no refund and £2,186.15.)
    const completed = await completeAnnualReview(t, college.keys.assessor, budgetId, '2027-05-01');
    expect(completed.statusCode, completed.body).toBe(200);
    expect(completed.json().clawback).toMatchObject({
      periodWeeks: 52,
      contributionDuePence: 35_000,
      underspendPence: 445_769,
      contributionRefundPence: 10_000,
      allowancePence: 227_154,
      clawbackPence: 208_615,
      totalClawbackPence: 208_615,
    });
    const decided = await t.call('POST', `/v1/reviews/${completed.json().id}/clawback`, {
      key: college.keys.finance,
      headers: { 'if-match': completed.headers.etag as string },
      body: { decision: 'confirm' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const after = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: college.keys.finance })).json();
    // £4,457.69 − £100.00 − £2,086.15 = £2,271.54 left: exactly the allowance.
    expect(after.balancePence).toBe(227_154);
    expect(after.contributionRefundedPence).toBe(10_000);
    expect(after.clawedBackPence).toBe(208_615);
  });
});

describe('clawback at review, found in review', () => {
  // Found in review of issue 11.
  it('refuses to complete a review before its budget starts', async () => {
    const c = await setUpCouncil(t);
    const { budgetId } = await agreedBudget(t, c);
    const early = await completeAnnualReview(t, c.keys.assessor, budgetId, '2026-04-30');
    expect(problemOf(early).errors?.[0]?.pointer).toBe('/completedOn');
  });

  it('returns no more than a pot holds when money was spent between the review and the decision', async () => {
    const c = await setUpCouncil(t);
    const { budgetId } = await agreedBudget(t, c);
    // £6,250.00 paid, nothing spent: 20% (£1,250.00) kept, £5,000.00 recommended for reclaim.
    await money(c.keys.finance, budgetId, { kind: 'council-payment', amountPence: 625_000 });
    const completed = await completeAnnualReview(t, c.keys.assessor, budgetId, '2027-05-01');
    expect(completed.json().clawback.clawbackPence).toBe(500_000);
    // £3,000.00 is spent before finance decides: the account holds £3,250.00, so that is all
    // that can go back.
    await money(c.keys.finance, budgetId, { kind: 'spend', amountPence: 300_000, occurredOn: '2027-05-02' });
    const decided = await t.call('POST', `/v1/reviews/${completed.json().id}/clawback`, {
      key: c.keys.finance,
      headers: { 'if-match': completed.headers.etag as string },
      body: { decision: 'confirm' },
    });
    expect(decided.json().clawback.decision).toMatchObject({ amountPence: 325_000, cappedBecause: expect.any(String) });
    expect((await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json().balancePence).toBe(0);
  });
});
