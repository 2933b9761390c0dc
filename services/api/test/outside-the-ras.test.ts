import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreedPerson, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget, PLAN } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
/** £250 a point with a £5,000 ceiling: the 25-point person's £6,250 is referred to the panel. */
let ceiling: SetUpCouncil;
/** £250 a point, no ceiling: nothing is referred unless the coordinator says so. */
let plain: SetUpCouncil;

beforeAll(async () => {
  t = await createTestApp();
  ceiling = await setUpCouncil(t, {}, { ceilingPence: 500_000 });
  plain = await setUpCouncil(t);
});
afterAll(async () => {
  await t.close();
});

async function next(previous: LightMyRequestResponse, url: string, key: string, body?: unknown) {
  const response = await t.call('POST', url, { key, headers: { 'if-match': previous.headers.etag as string }, body });
  return response;
}

/** The panel approves a plan at its stage, setting its own amount. */
function panelApproves(plan: LightMyRequestResponse, url: string, c: SetUpCouncil, panelAmount: { annualPence: number; reasons: string }) {
  return next(plan, `${url}/decisions`, c.keys.panel, {
    stage: 'panel',
    outcome: 'approve',
    reasons: 'ok',
    startDate: '2026-05-01',
    panelAmount,
  });
}

/** A plan for a new indicative budget, taken to the panel stage; returns the plan answer and the budget id. */
async function atPanel(c: SetUpCouncil, budgetBody: Record<string, unknown> = {}) {
  const { personId, assessmentId } = await agreedPerson(t, c);
  await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
    key: c.keys.finance,
    body: { effectiveFrom: '2026-01-01', weeklyContributionPence: 0 },
  });
  const budget = await t.call('POST', '/v1/budgets', {
    key: c.keys.assessor,
    body: { assessmentId, startDate: '2026-05-01', ...budgetBody },
  });
  expect(budget.statusCode, budget.body).toBe(201);
  const plan = await t.call('POST', '/v1/support-plans', { key: c.keys.assessor, body: { budgetId: budget.json().id, ...PLAN } });
  const url = `/v1/support-plans/${plan.json().id}`;
  const submitted = await next(plan, `${url}/submit`, c.keys.assessor);
  const coordinator = await next(submitted, `${url}/decisions`, c.keys.assessor, {
    stage: 'coordinator',
    outcome: 'approve',
    reasons: 'ok',
  });
  const manager = await next(coordinator, `${url}/decisions`, c.keys.teamManager, {
    stage: 'team-manager',
    outcome: 'approve',
    reasons: 'ok',
  });
  expect(manager.json().stage).toBe('panel');
  return { plan: manager, url, budget: budget.json(), personId };
}

describe('outside the RAS: the panel sets an amount as part of its decision', () => {
  it('agrees a referred budget at the panel’s amount, marked outside the RAS in the budget, the account, events, reports and exports', async () => {
    const reasons = 'Two-to-one support at night that the questionnaire cannot score';
    const { budgetId } = await agreedBudget(t, ceiling, { panel: { panelAmount: { annualPence: 800_000, reasons } } });
    const budget = (await t.call('GET', `/v1/budgets/${budgetId}`, { key: ceiling.keys.finance })).json();
    // The RAS said 25 × £250 = £6,250, above the £5,000 ceiling; the panel set £8,000.
    expect(budget).toMatchObject({
      status: 'agreed',
      rasAnnualPence: 625_000,
      panelAmount: { annualPence: 800_000, reason: reasons },
      outsideRas: true,
      totalAnnualPence: 800_000,
      councilAnnualPence: 800_000,
      netAnnualPence: 800_000,
      referrals: [{ reason: 'above-ceiling', ceilingPence: 500_000, fullYearPence: 625_000 }],
    });
    expect(budget.explanation.map((s: { key: string }) => s.key)).toContain('panel-amount');
    // The payment agreement pays the panel's amount: 12 monthly instalments adding up to £8,000.
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: ceiling.keys.finance })).json();
    expect(account.agreement.grossAnnualPence).toBe(800_000);

    const events = (await t.call('GET', '/v1/events?type=budget.panel-amount-set', { key: ceiling.keys.admin })).json().items;
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ id: budgetId, planDecision: true, outsideRas: true, totalAnnualPence: 800_000 });

    const report = (await t.call('GET', '/v1/reports/summary?from=2026-04-01&to=2027-03-31', { key: ceiling.keys.auditor })).json();
    expect(report.outsideRas).toEqual({ referred: 1, budgets: 1, panelAnnualPence: 800_000, rasAnnualPence: 625_000 });
    const csv = (await t.call('GET', '/v1/reports/summary?from=2026-04-01&to=2027-03-31&format=csv', { key: ceiling.keys.auditor })).body;
    expect(csv).toContain('outside the RAS,panelAnnualPence,800000');
    const exported = (await t.call('GET', '/v1/exports/budgets', { key: ceiling.keys.admin })).body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(exported.find((row: { id: string }) => row.id === budgetId)).toMatchObject({ outsideRas: true, panelAnnualPence: 800_000 });
  });

  it('costs the plan against the panel’s amount: below the plan’s cost it is an exception', async () => {
    const { plan, url } = await atPanel(ceiling);
    // PLAN costs £5,360 with £500 contingency: £5,860. A panel amount of £5,500 leaves it £360 over.
    const over = await panelApproves(plan, url, ceiling, {
      annualPence: 550_000,
      reasons: 'Less than the RAS: a day service is funded by health',
    });
    expect(over.statusCode).toBe(422);
    expect(problemOf(over).errors?.[0]?.pointer).toBe('/exceptionReason');
    expect(problemOf(over).detail).toContain('36000 pence over budget');
    // Nothing half-written: the budget still stands at the RAS amount.
    const budget = (await t.call('GET', `/v1/budgets/${plan.json().budgetId}`, { key: ceiling.keys.finance })).json();
    expect(budget).toMatchObject({ status: 'indicative', panelAmount: null, outsideRas: false, totalAnnualPence: 625_000 });
  });

  it('refers a case whose needs do not fit the questionnaire when the coordinator says so', async () => {
    const reason = 'Complex health needs: nursing at home every night';
    const { plan, url, budget } = await atPanel(plain, { outsideQuestionnaire: reason });
    expect(budget.referrals).toEqual([expect.objectContaining({ reason: 'needs-outside-questionnaire', coordinatorReason: reason })]);
    const approved = await panelApproves(plan, url, plain, {
      annualPence: 1_250_000,
      reasons: 'Nursing costs agreed with the health board',
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const agreed = (await t.call('GET', `/v1/budgets/${budget.id}`, { key: plain.keys.finance })).json();
    // The referral survives the recalculation at agreement.
    expect(agreed).toMatchObject({ outsideRas: true, totalAnnualPence: 1_250_000, referrals: [{ reason: 'needs-outside-questionnaire' }] });
  });

  it('refuses a panel amount for a budget that was not referred, or at a stage before the panel', async () => {
    const { plan, url } = await atPanel(plain);
    const notReferred = await panelApproves(plan, url, plain, { annualPence: 700_000, reasons: 'More' });
    expect(notReferred.statusCode).toBe(422);
    expect(problemOf(notReferred).errors?.[0]?.pointer).toBe('/panelAmount');

    const { assessmentId } = await agreedPerson(t, ceiling);
    const budget = await t.call('POST', '/v1/budgets', { key: ceiling.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } });
    const draft = await t.call('POST', '/v1/support-plans', { key: ceiling.keys.assessor, body: { budgetId: budget.json().id, ...PLAN } });
    const submitted = await next(draft, `/v1/support-plans/${draft.json().id}/submit`, ceiling.keys.assessor);
    const early = await next(submitted, `/v1/support-plans/${draft.json().id}/decisions`, ceiling.keys.assessor, {
      stage: 'coordinator',
      outcome: 'approve',
      reasons: 'ok',
      panelAmount: { annualPence: 700_000, reasons: 'More' },
    });
    expect(early.statusCode).toBe(422);
    expect(problemOf(early).errors?.[0]?.pointer).toBe('/panelAmount');
  });
});
