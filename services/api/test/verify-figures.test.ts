import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget, reviewedYear } from './helpers/plan.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t);
});
afterAll(() => t.close());

const CIRCUMSTANCES = {
  household: 'single',
  ageBand: '25-to-pension-age',
  premiums: { disability: true },
  incomes: [{ kind: 'employment-support-allowance', weeklyPence: 20_000 }],
  capitalPence: 0,
  weeklyHousingCostsPence: 0,
  weeklyCostOfCarePence: 30_000,
};

/** Changes one stored figure behind the service's back, runs `check`, and puts it back. */
async function tampered(statement: string, undo: string, check: () => Promise<void>) {
  await sql.raw(statement).execute(t.database.db);
  try {
    await check();
  } finally {
    await sql.raw(undo).execute(t.database.db);
  }
}

describe('figures that re-prove themselves', () => {
  it('works a budget out again to the penny, and names the figure and both values when a stored one was changed', async () => {
    const { budgetId } = await agreedBudget(t, council, { weeklyContributionPence: 1_000 });
    const url = `/v1/budgets/${budgetId}/verification`;
    const verified = await t.call('GET', url, { key: council.keys.auditor });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({ kind: 'budget', id: budgetId, status: 'matches', matches: true, differences: [] });
    expect(verified.json().basis).toMatchObject({ scheme: 'ld v1', schemeId: council.schemeId });
    // 25 points × £250 = £6,250.00; £10 × 52 weeks = £520.00; the council pays £5,730.00.
    expect(verified.json().checks).toContainEqual({ figure: 'netAnnualPence', stored: 573_000, recomputed: 573_000, matches: true });

    // The table's own check keeps council share = contribution + net, so a penny is moved between them.
    await tampered(
      `update budgets set net_annual_pence = net_annual_pence + 1, annual_contribution_pence = annual_contribution_pence - 1 where id = '${budgetId}'`,
      `update budgets set net_annual_pence = net_annual_pence - 1, annual_contribution_pence = annual_contribution_pence + 1 where id = '${budgetId}'`,
      async () => {
        const differs = (await t.call('GET', url, { key: council.keys.auditor })).json();
        expect(differs).toMatchObject({ status: 'differs', matches: false });
        expect(differs.differences).toEqual([
          'annualContributionPence: stored 51999, worked out again 52000',
          'netAnnualPence: stored 573001, worked out again 573000',
        ]);
      },
    );
    // Each step names its rule and the versioned parameter it used.
    const budget = (await t.call('GET', `/v1/budgets/${budgetId}`, { key: council.keys.assessor })).json();
    const perPoint = budget.explanation.find((s: { key: string }) => s.key === 'ras-full-year');
    expect(perPoint).toMatchObject({
      rule: 'ras.linear',
      parameters: [{ name: 'scheme ld v1 / method.poundsPerPointPence', value: 25_000 }],
    });
    // A portal key cannot ask; another council cannot see the budget.
    expect((await t.call('GET', url, { key: council.keys.portal })).statusCode).toBe(403);
    const other = await setUpCouncil(t);
    expect((await t.call('GET', url, { key: other.keys.auditor })).statusCode).toBe(404);
  });

  it('works a contribution out again under the charging policy version it names', async () => {
    const person = await t.call('POST', '/v1/people', { key: council.keys.assessor, body: { clientGroup: 'learning-disability' } });
    const personId = person.json().id as string;
    const recorded = await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: council.keys.finance,
      body: { effectiveFrom: '2025-10-01', circumstances: CIRCUMSTANCES },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    // £200 − (£112.50 + £49.65) = £37.85 a week under the shipped England 2025/26 policy.
    expect(recorded.json().weeklyContributionPence).toBe(3_785);
    const id = recorded.json().id as string;
    const url = `/v1/people/${personId}/financial-assessments/${id}/verification`;
    const verified = (await t.call('GET', url, { key: council.keys.finance })).json();
    expect(verified).toMatchObject({ status: 'matches', basis: { chargingPolicyId: 'england-2025-26' } });
    // The explanation names the versioned parameters it used.
    const mig = recorded.json().calculation.result.explanation.find((s: { key: string }) => s.key === 'minimum-income-guarantee');
    expect(mig.rule).toBe('charge.minimum-income-guarantee');
    expect(mig.parameters).toContainEqual({
      name: 'charging policy england-2025-26 / minimumIncomeGuarantee.single.aged25ToPensionAgePence',
      value: 11_250,
    });
    await tampered(
      `update financial_assessments set weekly_contribution_pence = 3700 where id = '${id}'`,
      `update financial_assessments set weekly_contribution_pence = 3785 where id = '${id}'`,
      async () => {
        const differs = (await t.call('GET', url, { key: council.keys.finance })).json();
        expect(differs.differences).toEqual(['weeklyContributionPence: stored 3700, worked out again 3785']);
      },
    );
    const entered = await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: council.keys.finance,
      body: { effectiveFrom: '2026-10-01', weeklyContributionPence: 500 },
    });
    const enteredCheck = await t.call('GET', `/v1/people/${personId}/financial-assessments/${entered.json().id}/verification`, {
      key: council.keys.finance,
    });
    expect(enteredCheck.json()).toMatchObject({ status: 'entered', checks: [] });
  });

  it('works a clawback out again from the inputs kept with it, and checks the decision against the ledger', async () => {
    const { budgetId } = await agreedBudget(t, council);
    const { reviewId, completed } = await reviewedYear(t, council, budgetId);
    const annual = { id: reviewId };
    // Unspent £3,250.00; 20% of £6,250.00 = £1,250.00 kept; £2,000.00 reclaimed.
    expect(completed.json().clawback.clawbackPence).toBe(200_000);
    const allowance = completed.json().clawback.explanation.find((s: { key: string }) => s.key === 'allowance');
    expect(allowance.parameters[0]).toEqual({ name: 'scheme ld v1 / clawback.percent', value: 20 });
    const url = `/v1/reviews/${annual.id}/clawback/verification`;
    expect((await t.call('GET', url, { key: council.keys.auditor })).json()).toMatchObject({ status: 'matches' });
    const decided = await t.call('POST', `/v1/reviews/${annual.id}/clawback`, {
      key: council.keys.finance,
      headers: { 'if-match': completed.headers.etag as string },
      body: { decision: 'reduce', amountPence: 150_000, reason: 'A PA invoice is due' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const afterDecision = (await t.call('GET', url, { key: council.keys.auditor })).json();
    expect(afterDecision.status).toBe('matches');
    expect(afterDecision.checks).toContainEqual({
      figure: 'decision.amountPence (in the ledger)',
      stored: 150_000,
      recomputed: 150_000,
      matches: true,
    });
    // A ledger entry changed after the decision no longer matches it.
    await tampered(
      `update budget_transactions set amount_pence = 150100 where budget_id = '${budgetId}' and kind = 'clawback'`,
      `update budget_transactions set amount_pence = 150000 where budget_id = '${budgetId}' and kind = 'clawback'`,
      async () => {
        const differs = (await t.call('GET', url, { key: council.keys.auditor })).json();
        expect(differs.differences).toEqual(['decision.amountPence (in the ledger): stored 150000, worked out again 150100']);
      },
    );
  });
});
