import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import {
  agreedPerson,
  directPaymentAgreement,
  requestDirectPaymentAgreement,
  type SetUpCouncil,
  setUpCouncil,
} from './helpers/council-setup.js';
import { agreedBudget, approvedPlan, completeAnnualReview, PLAN } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// Issue 29: every way of managing a budget honoured in the money. Every budget here is 25 points
// at £250 a point, £6,250.00 a year from 1 May 2026, no contribution, paid monthly: instalments
// 1–4 are £520.84 (52,084 pence), 5–12 £520.83. Today is 15 July 2026, so a run for 31 July pays
// instalments 1, 2 and 3.

let t: TestApp;
let council: SetUpCouncil;

const line = (description: string, managedBy: string, amountPence: number, extra: Record<string, unknown> = {}) => ({
  description,
  outcomeKeys: ['home'],
  provider: description,
  managedBy,
  costType: 'annual',
  amountPence,
  ...extra,
});
const planOf = (lines: object[], contingencyPence = 25_000) => ({
  ...PLAN,
  lines,
  contingency: { ...PLAN.contingency, amountPence: contingencyPence },
});
const money = (budgetId: string, body: Record<string, unknown>) =>
  t.call('POST', `/v1/budgets/${budgetId}/transactions`, { key: council.keys.finance, body: { occurredOn: '2026-05-01', ...body } });
const createRun = (runDate: string, holdBudgetIds: string[] = []) =>
  t.call('POST', '/v1/payment-runs', { key: council.keys.finance, body: { runDate, holdBudgetIds } });

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock('2026-07-15') });
  council = await setUpCouncil(t, {
    paymentFile: { serviceUserNumber: '123456', originatorName: 'Test Council', sortCode: '40-00-00', accountNumber: '10000001' },
  });
});
afterAll(() => t.close());

describe('a mixed budget’s payment run', () => {
  // £15,000-style mix at this budget's scale: £3,750 commissioned home care, £1,250 direct payment
  // and £1,000 individual service fund (15 : 5 : 4), £250 contingency. Each £520.84 instalment:
  //   52,084 × 15/24 = 32,552.5 → 32,552;  × 5/24 = 10,850.83 → 10,850;  × 4/24 = 8,680.67 → 8,680
  //   = 52,082, and the 2 pence left go one each to the first lines: 32,553, 10,851, 8,680.
  // Three instalments: commissioned 97,659; direct payment 32,553; ISF 26,040; total 156,252.
  const MIXED = planOf([
    line('Home care mornings', 'council-arranged', 375_000),
    line('Personal assistant', 'direct-payment', 125_000),
    line('Day activities at Kind Hands', 'individual-service-fund', 100_000),
  ]);
  let budgetId = '';
  let runId = '';
  let providerId = '';

  beforeAll(async () => {
    budgetId = (await agreedBudget(t, council, { plan: MIXED, directPaymentAgreement: false })).budgetId;
    await directPaymentAgreement(t, council, budgetId, { account: { type: 'bank', reference: '20-00-00 12345678' } });
    const providers = (await t.call('GET', '/v1/providers', { key: council.keys.finance })).json().items;
    providerId = providers.find((p: { name: string }) => p.name === 'Day activities at Kind Hands').id;
  });

  it('pays the holder, the ISF provider and the commissioned care their exact shares of each instalment', async () => {
    const created = await createRun('2026-07-31');
    expect(created.statusCode, created.body).toBe(201);
    runId = created.json().id;
    expect(created.json()).toMatchObject({
      payments: 9,
      payees: 3,
      totalPence: 156_252,
      byPayeeKind: {
        directPayment: { payments: 3, amountPence: 32_553 },
        individualServiceFund: { payments: 3, amountPence: 26_040 },
        commissioned: { payments: 3, amountPence: 97_659 },
        managedAccount: { payments: 0, amountPence: 0 },
      },
    });
    const csv = (await t.call('GET', `/v1/payment-runs/${runId}/file`, { key: council.keys.finance })).body;
    const totals = csv
      .trimEnd()
      .split('\r\n')
      .map((row) => row.split(','))
      .filter((row) => row[0] === 'payee-total')
      .map((row) => [row[3], row[4], row[10], row[11]]);
    expect(totals).toEqual([
      ['commissioned', 'COMMISSIONED:Home care mornings', '3', '97659'],
      ['direct-payment', '20-00-00 12345678', '3', '32553'],
      ['individual-service-fund', '20-00-00 55555555', '3', '26040'],
    ]);
  });

  it('records the council-arranged share as commissioned spend, so the person’s account holds only their money', async () => {
    const confirmed = await t.call('POST', `/v1/payment-runs/${runId}/confirm`, { key: council.keys.finance });
    expect(confirmed.json().paid).toEqual({ payments: 9, amountPence: 156_252 });
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: council.keys.finance })).json();
    expect(account.councilPaidPence).toBe(156_252);
    expect(account.spendByManagementOption).toEqual({ 'council-arranged': 97_659 });
    // 32,553 with the holder + 26,040 with the provider.
    expect(account.balancePence).toBe(58_593);
    const commissioned = account.transactions.filter((entry: { kind: string }) => entry.kind === 'spend');
    expect(commissioned.map((entry: { planLine: number; amountPence: number }) => [entry.planLine, entry.amountPence])).toEqual([
      [0, 32_553],
      [0, 32_553],
      [0, 32_553],
    ]);
    expect(account.schedule.slice(0, 3).map((i: { status: string }) => i.status)).toEqual(['paid', 'paid', 'paid']);
  });

  it('sends the holder’s and the provider’s money by Bacs, and not the commissioned spend', async () => {
    const bacs = (await t.call('GET', `/v1/payment-runs/${runId}/file?format=bacs`, { key: council.keys.finance })).body;
    const records = bacs.split('\r\n').slice(0, -1);
    expect(records).toHaveLength(5);
    expect([records[1]?.slice(0, 14), records[1]?.slice(35, 46)]).toEqual(['20000012345678', '00000032553']);
    expect([records[2]?.slice(0, 14), records[2]?.slice(35, 46)]).toEqual(['20000055555555', '00000026040']);
    // The contra debits the council with what leaves it: 32,553 + 26,040.
    expect(records[3]?.slice(35, 46)).toBe('00000058593');
  });

  it('gives the person their individual service fund’s statement, and the register the funds a provider holds', async () => {
    const statementOf = (query = '') =>
      t.call('GET', `/v1/providers/${providerId}/individual-service-funds/${budgetId}/statement${query}`, { key: council.keys.assessor });
    expect((await statementOf()).json()).toMatchObject({
      provider: { id: providerId, name: 'Day activities at Kind Hands' },
      lines: [{ index: 2, annualCostPence: 100_000 }],
      openingBalancePence: 0,
      paidInPence: 26_040,
      spentPence: 0,
      closingBalancePence: 26_040,
    });
    expect((await money(budgetId, { kind: 'spend', amountPence: 5_000, planLine: 2, occurredOn: '2026-08-05' })).statusCode).toBe(201);
    // Spend on another line is not the fund's.
    expect((await money(budgetId, { kind: 'spend', amountPence: 700, planLine: 1, occurredOn: '2026-08-06' })).statusCode).toBe(201);
    expect((await statementOf('?from=2026-08-01')).json()).toMatchObject({
      openingBalancePence: 26_040,
      paidInPence: 0,
      spentPence: 5_000,
      closingBalancePence: 21_040,
      entries: [{ kind: 'spend', amountPence: 5_000, planLine: 2, occurredOn: '2026-08-05' }],
    });
    const provider = (await t.call('GET', `/v1/providers/${providerId}`, { key: council.keys.finance })).json();
    expect(provider.individualServiceFunds).toEqual([expect.objectContaining({ budgetId, lines: [2], budgetStatus: 'agreed' })]);
    // Another council's provider, and a budget the provider holds no fund for, are not there.
    const other = await setUpCouncil(t);
    expect((await t.call('GET', `/v1/providers/${providerId}`, { key: other.keys.finance })).statusCode).toBe(404);
    const unrelated = (await agreedBudget(t, council, { plan: planOf([line('Care', 'council-arranged', 600_000)]) })).budgetId;
    expect(
      (await t.call('GET', `/v1/providers/${providerId}/individual-service-funds/${unrelated}/statement`, { key: council.keys.finance }))
        .statusCode,
    ).toBe(404);
  });
});

describe('indirect payments and trusts', () => {
  const HELD = planOf([
    line('PA, paid through my brother', 'indirect-payment', 300_000),
    line('Circle of support trust', 'trust', 200_000),
    line('Gardening', 'individual-service-fund', 100_000),
  ]);
  let budgetId = '';

  beforeAll(async () => {
    const { assessmentId, personId } = await agreedPerson(t, council);
    await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: council.keys.finance,
      body: { effectiveFrom: '2026-01-01', weeklyContributionPence: 0 },
    });
    budgetId = (await t.call('POST', '/v1/budgets', { key: council.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } })).json()
      .id;
    await approvedPlan(t, council, budgetId, HELD, { startDate: '2026-05-01', registerProviders: false });
  });

  it('needs an agreement for each way that pays a holder, with the holder that way allows', async () => {
    // No money moves before the agreements: the payment names the line that needs one.
    const early = problemOf(await money(budgetId, { kind: 'council-payment', amountPence: 100 }));
    expect(early.code).toBe('DIRECT_PAYMENT_AGREEMENT_REQUIRED');
    expect(early.errors).toEqual([
      { pointer: '/kind', detail: 'plan line 0 (indirect-payment) needs its agreement before a council payment' },
      { pointer: '/kind', detail: 'plan line 1 (trust) needs its agreement before a council payment' },
    ]);
    const wrongHolder = await requestDirectPaymentAgreement(t, council, budgetId, { managementOption: 'indirect-payment' });
    expect(problemOf(wrongHolder).errors).toEqual([{ pointer: '/holder/type', detail: 'must be "nominated-person" for indirect-payment' }]);
    const noSuchLine = await requestDirectPaymentAgreement(t, council, budgetId);
    expect(problemOf(noSuchLine)).toMatchObject({ status: 422, code: 'NO_DIRECT_PAYMENT_LINES' });
    const trust = await requestDirectPaymentAgreement(t, council, budgetId, {
      managementOption: 'trust',
      holder: { type: 'trust', name: 'Circle Trust' },
      account: { type: 'bank', reference: '30-00-00 11112222' },
    });
    expect(trust.statusCode, trust.body).toBe(201);
    expect(trust.json()).toMatchObject({ managementOption: 'trust', holder: { type: 'trust', name: 'Circle Trust' } });
    const again = await requestDirectPaymentAgreement(t, council, budgetId, {
      managementOption: 'trust',
      holder: { type: 'trust', name: 'Circle Trust' },
    });
    expect(problemOf(again)).toMatchObject({ status: 409, code: 'ALREADY_EXISTS', existingId: trust.json().id });
  });

  it('refuses a run that would pay a holder without an agreement or a fund without its provider, naming each line', async () => {
    const refused = problemOf(await createRun('2026-08-03'));
    expect(refused.code).toBe('DIRECT_PAYMENT_AGREEMENT_REQUIRED');
    expect(refused.errors?.filter((error) => error.detail.includes(budgetId)).map((error) => error.detail)).toEqual([
      `budget ${budgetId} line 0 (indirect-payment) needs its agreement: createDirectPaymentAgreement with managementOption indirect-payment`,
      `budget ${budgetId} line 2 (individual-service-fund) names no provider in the register to hold the fund: set the line’s providerId (createProvider)`,
    ]);
    const indirect = await requestDirectPaymentAgreement(t, council, budgetId, {
      managementOption: 'indirect-payment',
      holder: { type: 'nominated-person', name: 'My brother' },
      account: { type: 'bank', reference: '40-00-00 33334444' },
    });
    expect(indirect.statusCode, indirect.body).toBe(201);
    const still = problemOf(await createRun('2026-08-03'));
    expect(still.code).toBe('PROVIDER_REQUIRED');
    // Held out, the run goes ahead without its 4 instalments due by 3 August.
    const run = await createRun('2026-08-03', [budgetId]);
    expect(run.statusCode, run.body).toBe(201);
    expect(run.json().held.onHold).toBe(4);
    await t.call('POST', `/v1/payment-runs/${run.json().id}/cancel`, { key: council.keys.finance });
  });
});

describe('a ring-fenced NHS stream', () => {
  // £6,250 from the council and £1,000 from the NHS on top. Lines: £6,000 of care the council pays
  // for, £1,000 of nursing the NHS pays for; £250 contingency.
  const STREAMED = planOf([
    line('Home care', 'council-arranged', 600_000),
    line('Nursing care', 'council-arranged', 100_000, { fundedBy: 'nhs' }),
  ]);
  const streams = { fundingStreams: [{ key: 'nhs', name: 'NHS continuing care', mode: 'added', annualPence: 100_000 }] };

  it('refuses a plan line funded by a stream the budget does not have', async () => {
    const { assessmentId } = await agreedPerson(t, council);
    const budget = await t.call('POST', '/v1/budgets', {
      key: council.keys.assessor,
      body: { assessmentId, startDate: '2026-05-01', ...streams },
    });
    const plan = await t.call('POST', '/v1/support-plans', {
      key: council.keys.assessor,
      body: { budgetId: budget.json().id, ...planOf([line('Nursing', 'council-arranged', 100_000, { fundedBy: 'ilf' })]) },
    });
    expect(problemOf(plan).errors).toEqual([
      { pointer: '/lines/0/fundedBy', detail: 'must be "council" or one of the budget\'s streams: "nhs"' },
    ]);
  });

  it('spends the NHS money only on its lines, so only its underspend is clawed back', async () => {
    const { budgetId } = await agreedBudget(t, council, { plan: STREAMED, budget: streams });
    expect((await money(budgetId, { kind: 'council-payment', amountPence: 625_000 })).statusCode).toBe(201);
    expect((await money(budgetId, { kind: 'funder-payment', funder: 'nhs', amountPence: 100_000 })).statusCode).toBe(201);
    // NHS money spent on the council's line, or on no line: refused, naming the stream.
    const onCouncilLine = problemOf(await money(budgetId, { kind: 'spend', amountPence: 1_000, planLine: 0, funder: 'nhs' }));
    expect(onCouncilLine).toMatchObject({ status: 422, code: 'RING_FENCED' });
    expect(onCouncilLine.errors).toEqual([{ pointer: '/funder', detail: 'the nhs stream funds line 1' }]);
    expect(problemOf(await money(budgetId, { kind: 'spend', amountPence: 1_000, funder: 'nhs' })).code).toBe('RING_FENCED');
    // The council's £6,250 all spent on its care; £400 of the NHS's £1,000 on nursing (its line:
    // the stream is the line's, not named).
    expect((await money(budgetId, { kind: 'spend', amountPence: 625_000, planLine: 0 })).statusCode).toBe(201);
    expect((await money(budgetId, { kind: 'spend', amountPence: 40_000, planLine: 1 })).statusCode).toBe(201);
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: council.keys.finance })).json();
    expect(account.funders.map((f: Record<string, number>) => [f.funder, f.paidInPence, f.spentPence, f.balancePence])).toEqual([
      ['council', 625_000, 625_000, 0],
      ['nhs', 100_000, 40_000, 60_000],
    ]);
    // At the review a year on: the council's pot is spent, nothing back. The NHS's £600 unspent
    // less 20% of its £1,000 (£200) kept: £400 back to the NHS. (Shared in proportion to what each
    // paid in, as before, the NHS would have been charged £91.72 of the council's care and nothing
    // would have gone back.)
    const completed = await completeAnnualReview(t, council.keys.assessor, budgetId, '2027-05-01');
    expect(completed.json().clawback).toMatchObject({
      clawbackPence: 0,
      funders: [{ funder: 'nhs', underspendPence: 60_000, allowancePence: 20_000, clawbackPence: 40_000 }],
      totalClawbackPence: 40_000,
    });
  });
});

describe('nobody eligible at £0', () => {
  const SMALL = planOf([line('Daily visits', 'council-arranged', 250_000)], 50_000);

  it('refers an eligible person below the floor for a worker-set amount the panel agrees, saying why', async () => {
    const floored = await setUpCouncil(t, {}, { floorPoints: 30 });
    const { assessmentId, personId } = await agreedPerson(t, floored);
    await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: floored.keys.finance,
      body: { effectiveFrom: '2026-01-01', weeklyContributionPence: 0 },
    });
    const budget = (
      await t.call('POST', '/v1/budgets', { key: floored.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } })
    ).json();
    expect(budget).toMatchObject({ rasAnnualPence: 0, belowFloor: true, referral: { reason: 'below-floor', totalPoints: 25 } });
    const floor = budget.explanation.find((step: { key: string }) => step.key === 'floor');
    expect(floor.text).toBe(
      "25 points is below the scheme's floor of 30 points, so the RAS gives no amount of its own. Everyone eligible gets a personal budget, so your care coordinator sets the amount your needs call for and the Resource Allocation Panel agrees it.",
    );
    await approvedPlan(t, floored, budget.id, SMALL, {
      startDate: '2026-05-01',
      panel: { panelAmount: { annualPence: 300_000, reasons: 'Daily visits the coordinator costed' } },
    });
    const agreed = (await t.call('GET', `/v1/budgets/${budget.id}`, { key: floored.keys.finance })).json();
    expect(agreed).toMatchObject({ status: 'agreed', outsideRas: true, totalAnnualPence: 300_000, netAnnualPence: 300_000 });
  });

  it('gives the scheme’s floor amount when the scheme says so', async () => {
    const floored = await setUpCouncil(t, {}, { floorPoints: 30, belowFloor: { action: 'floor-amount', annualPence: 104_000 } });
    const scheme = (await t.call('GET', `/v1/allocation-schemes/${floored.schemeId}`, { key: floored.keys.admin })).json();
    expect(scheme.belowFloor).toEqual({ action: 'floor-amount', annualPence: 104_000 });
    const { assessmentId } = await agreedPerson(t, floored);
    const budget = (
      await t.call('POST', '/v1/budgets', { key: floored.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } })
    ).json();
    expect(budget).toMatchObject({ rasAnnualPence: 104_000, belowFloor: true, referral: null });
    expect(budget.explanation.find((step: { key: string }) => step.key === 'floor').text).toContain(
      'the scheme gives its floor amount: £1,040.00 a year',
    );
    const bad = await t.call('POST', '/v1/allocation-schemes', {
      key: floored.keys.admin,
      body: {
        ...scheme,
        id: undefined,
        version: undefined,
        createdAt: undefined,
        effectiveTo: undefined,
        weeksPerYear: undefined,
        rounding: undefined,
        topSlicePercent: undefined,
        ceilingPence: undefined,
        belowFloor: { action: 'floor-amount', annualPence: 0 },
      },
    });
    expect(bad.statusCode).toBe(400);
  });
});
