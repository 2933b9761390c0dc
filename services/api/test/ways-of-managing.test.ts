import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import {
  ANSWERS_25,
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
});
/**
 * Each story its own council: a payment run pays every budget of the council, so one story's
 * budgets would otherwise be in (or hold up) another's run, whichever order they run in.
 */
const freshCouncil = () =>
  beforeAll(async () => {
    council = await setUpCouncil(t, {
      paymentFile: { serviceUserNumber: '123456', originatorName: 'Test Council', sortCode: '40-00-00', accountNumber: '10000001' },
    });
  });
afterAll(() => t.close());

describe('a mixed budget’s payment run', () => {
  freshCouncil();
  // A £15,000-style mix at this budget's scale: £3,750 commissioned home care, £1,250 direct
  // payment and £1,000 individual service fund, and £250 contingency, which the direct payment
  // holder keeps (15 : 5 : 4 : 1). Each £520.84 instalment:
  //   52,084 × 15/25 = 31,250.4 → 31,250; × 5/25 = 10,416.8 → 10,416; × 4/25 = 8,333.44 → 8,333;
  //   × 1/25 = 2,083.36 → 2,083; = 52,082, the 2 pence left one each to the first: 31,251, 10,417.
  // So commissioned 31,251, the holder 10,417 + 2,083 = 12,500, the ISF 8,333. Three instalments:
  // commissioned 93,753; direct payment 37,500; ISF 24,999; total 156,252.
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

  it('pays the holder, the ISF provider and the commissioned care their exact shares, records the council-arranged share as spend, sends only the holders’ money by Bacs, and gives the fund’s statement', async () => {
    // pays the holder, the ISF provider and the commissioned care their exact shares of each instalment.
    {
      const created = await createRun('2026-07-31');
      expect(created.statusCode, created.body).toBe(201);
      runId = created.json().id;
      expect(created.json()).toMatchObject({
        payments: 9,
        payees: 3,
        totalPence: 156_252,
        byPayeeKind: {
          directPayment: { payments: 3, amountPence: 37_500 },
          individualServiceFund: { payments: 3, amountPence: 24_999 },
          commissioned: { payments: 3, amountPence: 93_753 },
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
        ['commissioned', 'COMMISSIONED:Home care mornings', '3', '93753'],
        ['direct-payment', '20-00-00 12345678', '3', '37500'],
        ['individual-service-fund', '20-00-00 55555555', '3', '24999'],
      ]);
    }

    // records the council-arranged share as commissioned spend, so the person’s account holds only their money.
    {
      const confirmed = await t.call('POST', `/v1/payment-runs/${runId}/confirm`, { key: council.keys.finance });
      expect(confirmed.json().paid).toEqual({ payments: 9, amountPence: 156_252 });
      const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: council.keys.finance })).json();
      expect(account.councilPaidPence).toBe(156_252);
      expect(account.spendByManagementOption).toEqual({ 'council-arranged': 93_753 });
      // 37,500 with the holder + 24,999 with the provider.
      expect(account.balancePence).toBe(62_499);
      const commissioned = account.transactions.filter((entry: { kind: string }) => entry.kind === 'spend');
      expect(commissioned.map((entry: { planLine: number; amountPence: number }) => [entry.planLine, entry.amountPence])).toEqual([
        [0, 31_251],
        [0, 31_251],
        [0, 31_251],
      ]);
      expect(account.schedule.slice(0, 3).map((i: { status: string }) => i.status)).toEqual(['paid', 'paid', 'paid']);
    }

    // sends the holder’s and the provider’s money by Bacs, and not the commissioned spend.
    {
      const bacs = (await t.call('GET', `/v1/payment-runs/${runId}/file?format=bacs`, { key: council.keys.finance })).body;
      const records = bacs.split('\r\n').slice(0, -1);
      expect(records).toHaveLength(5);
      expect([records[1]?.slice(0, 14), records[1]?.slice(35, 46)]).toEqual(['20000012345678', '00000037500']);
      expect([records[2]?.slice(0, 14), records[2]?.slice(35, 46)]).toEqual(['20000055555555', '00000024999']);
      // The contra debits the council with what leaves it: 37,500 + 24,999.
      expect(records[3]?.slice(35, 46)).toBe('00000062499');
    }

    // gives the person their individual service fund’s statement, and the register the funds a provider holds.
    {
      const statementOf = (query = '') =>
        t.call('GET', `/v1/providers/${providerId}/individual-service-funds/${budgetId}/statement${query}`, { key: council.keys.assessor });
      expect((await statementOf()).json()).toMatchObject({
        provider: { id: providerId, name: 'Day activities at Kind Hands' },
        lines: [{ index: 2, annualCostPence: 100_000 }],
        openingBalancePence: 0,
        paidInPence: 24_999,
        spentPence: 0,
        closingBalancePence: 24_999,
      });
      expect((await money(budgetId, { kind: 'spend', amountPence: 5_000, planLine: 2, occurredOn: '2026-08-05' })).statusCode).toBe(201);
      // Spend on another line is not the fund's.
      expect((await money(budgetId, { kind: 'spend', amountPence: 700, planLine: 1, occurredOn: '2026-08-06' })).statusCode).toBe(201);
      expect((await statementOf('?from=2026-08-01')).json()).toMatchObject({
        openingBalancePence: 24_999,
        paidInPence: 0,
        spentPence: 5_000,
        closingBalancePence: 19_999,
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
    }
  });
});

describe('indirect payments and trusts', () => {
  freshCouncil();
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

  it('needs an agreement for each way that pays a holder, and refuses a run that would pay one without it, naming each line', async () => {
    // needs an agreement for each way that pays a holder, with the holder that way allows.
    {
      // No money moves before the agreements: the payment names the line that needs one.
      const early = problemOf(await money(budgetId, { kind: 'council-payment', amountPence: 100 }));
      expect(early.code).toBe('DIRECT_PAYMENT_AGREEMENT_REQUIRED');
      expect(early.errors).toEqual([
        { pointer: '/kind', detail: 'plan line 0 (indirect-payment) needs its agreement before a council payment' },
        { pointer: '/kind', detail: 'plan line 1 (trust) needs its agreement before a council payment' },
      ]);
      const wrongHolder = await requestDirectPaymentAgreement(t, council, budgetId, { managementOption: 'indirect-payment' });
      expect(problemOf(wrongHolder).errors).toEqual([
        { pointer: '/holder/type', detail: 'must be "nominated-person" for indirect-payment' },
      ]);
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
    }

    // refuses a run that would pay a holder without an agreement or a fund without its provider, naming each line.
    {
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
    }
  });
});

describe('a ring-fenced NHS stream', () => {
  freshCouncil();
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
    const over = await t.call('POST', '/v1/support-plans', {
      key: council.keys.assessor,
      body: { budgetId: budget.json().id, ...planOf([line('Nursing', 'council-arranged', 150_000, { fundedBy: 'nhs' })]) },
    });
    expect(problemOf(over).errors).toEqual([
      { pointer: '/lines/0/fundedBy', detail: "the nhs stream's lines cost 150000 pence, more than the 100000 it pays" },
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
  freshCouncil();
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
    // The panel may not agree it at £0: it sets the amount.
    const draft = await t.call('POST', '/v1/support-plans', { key: floored.keys.assessor, body: { budgetId: budget.id, ...SMALL } });
    let last = await t.call('POST', `/v1/support-plans/${draft.json().id}/submit`, {
      key: floored.keys.assessor,
      headers: { 'if-match': draft.headers.etag as string },
    });
    for (const [stage, key] of [
      ['coordinator', floored.keys.assessor],
      ['team-manager', floored.keys.teamManager],
    ] as const)
      last = await t.call('POST', `/v1/support-plans/${draft.json().id}/decisions`, {
        key,
        headers: { 'if-match': last.headers.etag as string },
        body: { stage, outcome: 'approve', reasons: 'ok' },
      });
    const atZero = await t.call('POST', `/v1/support-plans/${draft.json().id}/decisions`, {
      key: floored.keys.panel,
      headers: { 'if-match': last.headers.etag as string },
      body: { stage: 'panel', outcome: 'approve', reasons: 'ok', startDate: '2026-05-01', exceptionReason: 'Over a £0 budget' },
    });
    expect(problemOf(atZero).errors).toEqual([{ pointer: '/panelAmount', detail: 'is required: nobody eligible gets £0' }]);
    const approved = await t.call('POST', `/v1/support-plans/${draft.json().id}/decisions`, {
      key: floored.keys.panel,
      headers: { 'if-match': last.headers.etag as string },
      body: {
        stage: 'panel',
        outcome: 'approve',
        reasons: 'ok',
        startDate: '2026-05-01',
        panelAmount: { annualPence: 300_000, reasons: 'Daily visits the coordinator costed' },
      },
    });
    expect(approved.statusCode, approved.body).toBe(200);
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

describe('a live plan', () => {
  freshCouncil();
  // £4,000 of commissioned care and £2,000 of direct payment (2 : 1), £250 contingency.
  const LIVE = planOf([line('Home care', 'council-arranged', 400_000), line('Personal assistant', 'direct-payment', 200_000)]);
  const revised = (care: number, assistant: number, extra: object[] = []) => ({
    ...planOf([line('Home care', 'council-arranged', care), line('Personal assistant', 'direct-payment', assistant), ...extra]),
  });
  let live: SetUpCouncil;
  let planId = '';
  let budgetId = '';
  const etagOf = async () => (await t.call('GET', `/v1/support-plans/${planId}`, { key: live.keys.assessor })).headers.etag as string;
  const revise = async (body: object, key = live.keys.assessor) =>
    t.call('POST', `/v1/support-plans/${planId}/revisions`, { key, headers: { 'if-match': await etagOf() }, body });

  beforeAll(async () => {
    live = await setUpCouncil(t);
    ({ planId, budgetId } = await agreedBudget(t, live, { plan: LIVE }));
  });

  it('lets the coordinator move a little money alone, pays each instalment by the plan in force on its date, and sends a larger change through the chain', async () => {
    // lets the coordinator move a little money alone, from a date, keeping the version it replaced.
    {
      // £400 a year from home care to the assistant: 40,000 ÷ 625,000 = 6.4%, inside the default 10%.
      const response = await revise({ ...revised(360_000, 240_000), effectiveFrom: '2026-08-01', reason: 'More PA hours in the evenings' });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json()).toMatchObject({
        number: 1,
        status: 'approved',
        stage: null,
        effectiveFrom: '2026-08-01',
        comparison: { changePence: 40_000, changePercent: 6.4, coordinatorMayApprove: true, breaches: [] },
        previous: { lines: [{ amountPence: 400_000 }, { amountPence: 200_000 }] },
      });
      const plan = (await t.call('GET', `/v1/support-plans/${planId}`, { key: live.keys.assessor })).json();
      expect(plan.lines.map((l: { amountPence: number }) => l.amountPence)).toEqual([360_000, 240_000]);
      const letter = await t.call('GET', `/v1/letters/plan-revision/${response.json().id}`, { key: live.keys.assessor });
      expect(letter.statusCode, letter.body).toBe(200);
      expect(letter.body).toContain('We said yes. The change starts on 1 August 2026.');
    }

    // pays each instalment by the plan in force on its date.
    {
      // Instalments 1–3 (May–July) under the first plan, care 400 : assistant 200 : the holder's
      // contingency 25: 52,084 → 33,334 + 18,750. Instalment 4 (1 August) under the revision,
      // 360 : 240 : 25: 52,084 → 30,000.38 → 30,001 (the penny left) + 22,083.
      const run = await t.call('POST', '/v1/payment-runs', { key: live.keys.finance, body: { runDate: '2026-08-03' } });
      expect(run.statusCode, run.body).toBe(201);
      expect(run.json().byPayeeKind).toMatchObject({
        commissioned: { payments: 4, amountPence: 3 * 33_334 + 30_001 },
        directPayment: { payments: 4, amountPence: 3 * 18_750 + 22_083 },
      });
      expect(run.json().totalPence).toBe(4 * 52_084);
      await t.call('POST', `/v1/payment-runs/${run.json().id}/cancel`, { key: live.keys.finance });
    }

    // refuses what the coordinator may not approve alone, naming each rule, and sends it through the chain when asked.
    {
      const big = { ...revised(200_000, 400_000), effectiveFrom: '2026-09-01', reason: 'A second assistant' };
      const refused = problemOf(await revise(big));
      expect(refused).toMatchObject({ status: 409, code: 'REVISION_NEEDS_APPROVAL' });
      expect(refused.errors).toEqual([
        {
          pointer: '/lines',
          detail: 'max-change-percent: moves £1,600.00 a year, 25.6% of the £6,250.00 budget: the coordinator approves up to 10% alone',
        },
      ]);
      const newWay = problemOf(
        await revise({
          ...revised(300_000, 240_000, [line('Circle of support', 'trust', 60_000)]),
          effectiveFrom: '2026-09-01',
          reason: 'A trust',
        }),
      );
      expect(newWay.errors).toEqual([
        { pointer: '/lines/2/managedBy', detail: 'new-way-of-managing: trust is a new way of managing the money for this plan' },
      ]);
      // Over budget, or before the plan last changed: refused outright.
      expect(problemOf(await revise({ ...revised(500_000, 240_000), effectiveFrom: '2026-09-01', reason: 'x' })).errors?.[0]?.pointer).toBe(
        '/lines',
      );
      expect(problemOf(await revise({ ...revised(360_000, 240_000), effectiveFrom: '2026-07-01', reason: 'x' })).errors).toEqual([
        { pointer: '/effectiveFrom', detail: 'must be on or after 2026-08-01' },
      ]);
      const pending = await revise({ ...big, throughChain: true });
      expect(pending.statusCode, pending.body).toBe(201);
      expect(pending.json()).toMatchObject({ number: 2, status: 'pending', stage: 'team-manager' });
      const decide = (key: string, stage: string) =>
        t.call('POST', `/v1/support-plans/${planId}/revisions/2/decisions`, {
          key,
          body: { stage, outcome: 'approve', reasons: 'Agreed' },
        });
      expect((await decide(live.keys.panel, 'panel')).statusCode).toBe(409);
      expect((await decide(live.keys.teamManager, 'team-manager')).json()).toMatchObject({ status: 'pending', stage: 'panel' });
      // Still the first revision's plan until the panel agrees.
      const before = (await t.call('GET', `/v1/support-plans/${planId}`, { key: live.keys.assessor })).json();
      expect(before.lines.map((l: { amountPence: number }) => l.amountPence)).toEqual([360_000, 240_000]);
      expect((await decide(live.keys.panel, 'panel')).json()).toMatchObject({ status: 'approved', stage: null });
      const after = (await t.call('GET', `/v1/support-plans/${planId}`, { key: live.keys.assessor })).json();
      expect(after.lines.map((l: { amountPence: number }) => l.amountPence)).toEqual([200_000, 400_000]);
      const versions = (await t.call('GET', `/v1/support-plans/${planId}/revisions`, { key: live.keys.auditor })).json().items;
      expect(
        versions.map((v: { number: number; status: string; decisions: unknown[] }) => [v.number, v.status, v.decisions.length]),
      ).toEqual([
        [1, 'approved', 1],
        [2, 'approved', 3],
      ]);
      expect(budgetId).toBeTruthy();
    }
  });
});

describe('the self-directed support share councils report', () => {
  freshCouncil();
  // Users: a direct payment, a council-managed budget, and two on support the council commissions
  // without a personal budget (one created, one imported). Carers: one with a council-managed
  // budget, one on commissioned support only. ASCOF 1C: users 1a = 2 of 4 = 50%, 2a = 1 of 4 = 25%;
  // carers 1b = 1 of 2 = 50%, 2b = 0 of 2 = 0%; everyone 3 of 6 = 50%.
  it('counts people without a personal budget, users and carers apart, with targets as counts and packages a month', async () => {
    const shares = await setUpCouncil(t, {
      targets: [
        { measure: 'self-directed-support-share', percent: 15.4, count: 3, by: '2027-03-31', label: 'Clients and carers' },
        { measure: 'direct-payment-share', group: 'users', percent: 36.2, by: '2027-03-31' },
      ],
    });
    const direct = planOf([line('Personal assistant', 'direct-payment', 600_000)]);
    const managed = planOf([line('Home care', 'council-arranged', 600_000)]);
    const user = (await agreedBudget(t, shares, { plan: direct })).personId;
    await agreedBudget(t, shares, { plan: managed });
    const carer = (await agreedBudget(t, shares, { plan: managed })).personId;
    const current = await t.call('GET', `/v1/people/${carer}`, { key: shares.keys.assessor });
    const linked = await t.call('PATCH', `/v1/people/${carer}`, {
      key: shares.keys.assessor,
      headers: { 'if-match': current.headers.etag as string },
      body: { caresForPersonId: user },
    });
    expect(linked.statusCode, linked.body).toBe(200);
    const commissioned = { commissionedSupport: { from: '2026-01-01' } };
    const created = await t.call('POST', '/v1/people', {
      key: shares.keys.assessor,
      body: { clientGroup: 'older-people', ...commissioned },
    });
    expect(created.json().commissionedSupport).toEqual({ from: '2026-01-01', to: null });
    await t.call('POST', '/v1/people', {
      key: shares.keys.assessor,
      body: { clientGroup: 'older-people', caresForPersonId: user, ...commissioned },
    });
    // Ended before the period: not counted.
    await t.call('POST', '/v1/people', {
      key: shares.keys.assessor,
      body: { clientGroup: 'older-people', commissionedSupport: { from: '2025-01-01', to: '2025-12-31' } },
    });
    const backwards = await t.call('POST', '/v1/people', {
      key: shares.keys.assessor,
      body: { clientGroup: 'older-people', commissionedSupport: { from: '2026-05-01', to: '2026-04-30' } },
    });
    expect(problemOf(backwards).errors).toEqual([{ pointer: '/commissionedSupport/to', detail: 'must be on or after 2026-05-01' }]);
    const imported = await t.app.inject({
      method: 'POST',
      url: '/v1/imports/people',
      headers: { authorization: `Bearer ${shares.keys.admin}`, 'content-type': 'text/csv' },
      payload: 'system,externalId,clientGroup,commissionedSupportFrom\ncarefirst,CS1,older-people,2026-02-01\n',
    });
    expect(imported.statusCode, imported.body).toBe(200);

    const report = (await t.call('GET', '/v1/reports/summary?from=2026-04-01&to=2026-07-15', { key: shares.keys.auditor })).json();
    expect(report.ascof1c).toMatchObject({
      part1a: { numerator: 2, denominator: 4, percent: 50 },
      part2a: { numerator: 1, denominator: 4, percent: 25 },
      part1b: { numerator: 1, denominator: 2, percent: 50 },
      part2b: { numerator: 0, denominator: 2, percent: 0 },
    });
    expect(report.selfDirectedSupport).toMatchObject({ numerator: 3, denominator: 6, percent: 50 });
    expect(report.byManagementMix['commissioned-support-only']).toBe(3);
    expect(report.targets).toMatchObject([
      { measure: 'self-directed-support-share', group: 'all', percent: 15.4, count: 3, actualPercent: 50, actualCount: 3, met: true },
      { measure: 'direct-payment-share', group: 'users', percent: 36.2, count: null, actualPercent: 25, actualCount: 1, met: false },
    ]);
    // All three agreed on the clock's day: new packages, 3 in July 2026.
    expect(report.packages).toEqual({ agreedInPeriod: 3, existing: 0, agreedByMonth: [{ month: '2026-07', packages: 3 }] });
    const csv = (await t.call('GET', '/v1/reports/summary?from=2026-04-01&to=2026-07-15&format=csv', { key: shares.keys.auditor })).body;
    expect(csv).toContain('ASCOF 1C part1b,percent,50\r\n');
    expect(csv).toContain('packages agreed by month,2026-07,3\r\n');
  });
});

describe('redress and notice', () => {
  freshCouncil();
  let notice: SetUpCouncil;
  beforeAll(async () => {
    notice = await setUpCouncil(t);
  });
  /** A person's assessment, submitted and moderated as given. */
  async function moderated(moderation: Record<string, unknown>) {
    const person = (await t.call('POST', '/v1/people', { key: notice.keys.assessor, body: { clientGroup: 'learning-disability' } })).json();
    const created = await t.call('POST', '/v1/assessments', {
      key: notice.keys.assessor,
      body: { personId: person.id, questionnaireId: notice.questionnaireId, completedWith: ['self'], answers: ANSWERS_25 },
    });
    const submitted = await t.call('POST', `/v1/assessments/${created.json().id}/submit`, {
      key: notice.keys.assessor,
      headers: { 'if-match': created.headers.etag as string },
    });
    const done = await t.call('POST', `/v1/assessments/${created.json().id}/moderation`, {
      key: notice.keys.assessor,
      headers: { 'if-match': submitted.headers.etag as string },
      body: moderation,
    });
    expect(done.statusCode, done.body).toBe(200);
    return { personId: person.id as string, assessmentId: created.json().id as string };
  }
  const letter = async (kind: string, id: string) => {
    const response = await t.call('GET', `/v1/letters/${kind}/${id}`, { key: notice.keys.assessor });
    expect(response.statusCode, response.body).toBe(200);
    return response.body;
  };
  async function decide(appealId: string, outcome: string, reasons: string) {
    const current = await t.call('GET', `/v1/appeals/${appealId}`, { key: notice.keys.panel });
    const decided = await t.call('POST', `/v1/appeals/${appealId}/decision`, {
      key: notice.keys.panel,
      headers: { 'if-match': current.headers.etag as string },
      body: { outcome, reasons },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    return decided.json();
  }

  it('writes the eligibility decision, takes an appeal against it, and sets a budget once it is upheld', async () => {
    const { assessmentId } = await moderated({
      decision: 'agree',
      eligibility: { eligible: false, basis: 'care-act-2014', notes: 'Your needs are met by the help you have now.' },
    });
    const decision = await letter('eligibility-decision', assessmentId);
    expect(decision).toContain('We found that you cannot get care and support from us at the moment.');
    expect(decision).toContain('This is why: Your needs are met by the help you have now.');
    expect(
      problemOf(await t.call('POST', '/v1/budgets', { key: notice.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } })).code,
    ).toBe('NOT_ELIGIBLE');
    const wrongId = await t.call('POST', '/v1/appeals', {
      key: notice.keys.assessor,
      body: { subject: 'eligibility', budgetId: assessmentId, reason: 'x' },
    });
    expect(problemOf(wrongId).errors).toEqual([
      { pointer: '/assessmentId', detail: 'is required for subject eligibility (and the other ids are not used)' },
    ]);
    const appeal = await t.call('POST', '/v1/appeals', {
      key: notice.keys.assessor,
      body: { subject: 'eligibility', assessmentId, reason: 'I cannot wash or dress without help', lodgedBy: 'agent' },
    });
    expect(appeal.statusCode, appeal.body).toBe(201);
    expect(appeal.json()).toMatchObject({ subject: 'eligibility', assessmentId, status: 'lodged' });
    await decide(appeal.json().id, 'upheld', 'The panel found daily help with washing is needed.');
    const assessment = (await t.call('GET', `/v1/assessments/${assessmentId}`, { key: notice.keys.assessor })).json();
    expect(assessment.eligibility).toMatchObject({ eligible: true, basis: 'care-act-2014' });
    const budget = await t.call('POST', '/v1/budgets', { key: notice.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } });
    expect(budget.statusCode, budget.body).toBe(201);
    const outcome = await letter('appeal-decision', appeal.json().id);
    expect(outcome).toContain('You asked us to look again at whether you can get care and support.');
    expect(outcome).toContain('We agree with you. We have changed our decision.');
  });

  it('writes what moderation changed, and an upheld appeal brings the person’s own answers back for moderation again', async () => {
    const { assessmentId } = await moderated({
      decision: 'amend',
      amendments: [{ questionKey: 'washing', answer: 'some', reason: 'Your daughter helps most mornings' }],
      eligibility: { eligible: true, basis: 'care-act-2014' },
    });
    const change = await letter('moderation-change', assessmentId);
    expect(change).toContain('They changed 1 of your answers.');
    expect(change).toContain('washing: you said &quot;lots&quot;; it is now &quot;some&quot;. Why: Your daughter helps most mornings');
    // An agreed assessment without changes has no moderation to appeal.
    const plain = await moderated({ decision: 'agree', eligibility: { eligible: true, basis: 'care-act-2014' } });
    expect(
      problemOf(
        await t.call('POST', '/v1/appeals', {
          key: notice.keys.assessor,
          body: { subject: 'moderation', assessmentId: plain.assessmentId, reason: 'x' },
        }),
      ).errors,
    ).toEqual([{ pointer: '/assessmentId', detail: 'its moderation changed no answer' }]);
    const budget = (
      await t.call('POST', '/v1/budgets', { key: notice.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } })
    ).json();
    const appeal = (
      await t.call('POST', '/v1/appeals', {
        key: notice.keys.assessor,
        body: { subject: 'moderation', assessmentId, reason: 'My daughter works now and cannot help' },
      })
    ).json();
    await decide(appeal.id, 'upheld', 'The help from family has stopped.');
    // The overturned assessment is kept; a fresh one with the person's own answers waits for moderation.
    const mine = (await t.call('GET', `/v1/assessments?personId=${appeal.personId}`, { key: notice.keys.assessor })).json().items;
    expect(mine.map((a: { id: string; status: string }) => [a.id === assessmentId, a.status])).toEqual([
      [true, 'agreed'],
      [false, 'submitted'],
    ]);
    expect(mine[1]).toMatchObject({ moderation: null, eligibility: null, answers: ANSWERS_25 });
    expect((await t.call('GET', `/v1/budgets/${budget.id}`, { key: notice.keys.assessor })).json().status).toBe('superseded');
  });

  it('writes the charge and the review outcome', async () => {
    const { personId } = await agreedPerson(t, notice);
    const financial = await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: notice.keys.finance,
      body: { effectiveFrom: '2026-06-01', weeklyContributionPence: 2_550 },
    });
    expect(await letter('charge', financial.json().id)).toContain('You will pay £25.50 a week towards your care from 1 June 2026.');
    const free = await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: notice.keys.finance,
      body: { effectiveFrom: '2026-09-01', weeklyContributionPence: 0 },
    });
    expect(await letter('charge', free.json().id)).toContain('You do not need to pay anything towards your care from 1 September 2026.');
    const { budgetId } = await agreedBudget(t, notice);
    const completed = await completeAnnualReview(t, notice.keys.assessor, budgetId, '2027-05-01');
    const review = await letter('review-outcome', completed.json().id);
    expect(review).toContain('Stay living in my own flat: you said this is going well');
    expect(review).toContain('Keep my job at the café: you said this is partly there');
    // Another council's reader sees none of them.
    const other = await setUpCouncil(t);
    expect((await t.call('GET', `/v1/letters/charge/${financial.json().id}`, { key: other.keys.assessor })).statusCode).toBe(404);
  });
});

describe('capacity and representation', () => {
  it('keeps capacity, best interests and who helps on the person and the plan, checks them at panel, and names the helper in letters', async () => {
    const c = await setUpCouncil(t);
    const { personId, assessmentId } = await agreedPerson(t, c);
    await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: c.keys.finance,
      body: { effectiveFrom: '2026-01-01', weeklyContributionPence: 0 },
    });
    const lacks = {
      capacity: { assessedOn: '2026-04-01', outcome: 'lacks-capacity', decision: 'how to arrange care' },
      supporters: [{ name: 'Ann Jones', role: 'advocate', organisation: 'Local advocacy' }],
    };
    const current = await t.call('GET', `/v1/people/${personId}`, { key: c.keys.assessor });
    const updated = await t.call('PATCH', `/v1/people/${personId}`, {
      key: c.keys.assessor,
      headers: { 'if-match': current.headers.etag as string },
      body: { representation: lacks },
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json().representation).toEqual(lacks);
    const budget = (await t.call('POST', '/v1/budgets', { key: c.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } })).json();
    // The plan carries the person's record; without a best-interests decision the panel item fails.
    const draft = (await t.call('POST', '/v1/support-plans', { key: c.keys.assessor, body: { budgetId: budget.id, ...PLAN } })).json();
    expect(draft.representation).toEqual(lacks);
    expect(draft.checklist.find((item: { key: string }) => item.key === 'capacity-and-representation')).toMatchObject({
      passed: false,
      detail: 'lacks capacity for how to arrange care (assessed 2026-04-01) but the plan records no best-interests decision',
    });
    const withDecision = {
      ...PLAN,
      representation: {
        ...lacks,
        bestInterests: { decidedOn: '2026-04-10', decidedBy: 'Care coordinator with Ann Jones and the family', decision: 'Care at home' },
      },
    };
    const planId = await approvedPlan(t, c, budget.id, withDecision, { startDate: '2026-05-01' });
    const plan = (await t.call('GET', `/v1/support-plans/${planId}`, { key: c.keys.panel })).json();
    expect(plan.checklist.find((item: { key: string }) => item.key === 'capacity-and-representation')).toMatchObject({
      passed: true,
      detail:
        'lacks capacity for how to arrange care (assessed 2026-04-01); best-interests decision of 2026-04-10; Ann Jones (advocate) helping',
    });
    const letter = await t.call('GET', `/v1/letters/plan-decision/${planId}`, { key: c.keys.assessor });
    expect(letter.body).toContain('Ann Jones, your advocate can help you with this.');
  });
});

describe('interim support in a crisis', () => {
  freshCouncil();
  it('sets a time-limited interim budget, pays and reviews it, and reconciles it into the agreed budget so nothing is paid twice', async () => {
    const c = await setUpCouncil(t);
    const { personId, assessmentId } = await agreedPerson(t, c);
    const create = (body: Record<string, unknown>) =>
      t.call('POST', '/v1/interim-budgets', {
        key: c.keys.assessor,
        body: { personId, weeklyPence: 35_000, startDate: '2026-04-01', reason: 'Their carer is in hospital', ...body },
      });
    // 13 weeks is past the 12-week limit.
    expect(problemOf(await create({ endDate: '2026-07-01' })).errors).toEqual([
      { pointer: '/endDate', detail: 'is more than 12 weeks after startDate: interim support is time-limited' },
    ]);
    // £350 a week for 30 days: 35,000 × 30 ÷ 7 = 150,000.
    const created = await create({ endDate: '2026-04-30' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect(created.json()).toMatchObject({ status: 'active', totalPence: 150_000, reviewOn: '2026-04-30', paidPence: 0 });
    expect(problemOf(await create({ endDate: '2026-04-20' }))).toMatchObject({ status: 409, code: 'ALREADY_EXISTS', existingId: id });
    const pay = (amountPence: number, paidOn: string) =>
      t.call('POST', `/v1/interim-budgets/${id}/payments`, { key: c.keys.finance, body: { amountPence, paidOn } });
    for (const paidOn of ['2026-04-01', '2026-04-08', '2026-04-15', '2026-04-22']) expect((await pay(35_000, paidOn)).statusCode).toBe(200);
    expect(problemOf(await pay(35_000, '2026-04-29')).errors).toEqual([{ pointer: '/amountPence', detail: 'must be at most 10000' }]);
    expect((await pay(10_000, '2026-04-29')).json().paidPence).toBe(150_000);
    // Reviewed: it goes on two more weeks while the plan is agreed. 44 days: 35,000 × 44 ÷ 7 = 220,000.
    const reviewed = await t.call('POST', `/v1/interim-budgets/${id}/review`, {
      key: c.keys.assessor,
      body: { outcome: 'continue', notes: 'Plan at panel next week', reviewedOn: '2026-04-28', endDate: '2026-05-14' },
    });
    expect(reviewed.json()).toMatchObject({ totalPence: 220_000, endDate: '2026-05-14', reviews: [{ outcome: 'continue' }] });
    expect((await pay(35_000, '2026-05-06')).statusCode).toBe(200);

    // The budget agreed from 1 May: the payment of 6 May was for its period.
    await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: c.keys.finance,
      body: { effectiveFrom: '2026-01-01', weeklyContributionPence: 0 },
    });
    const budget = (await t.call('POST', '/v1/budgets', { key: c.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } })).json();
    expect(
      problemOf(await t.call('POST', `/v1/interim-budgets/${id}/reconciliation`, { key: c.keys.finance, body: { budgetId: budget.id } }))
        .status,
    ).toBe(409);
    await approvedPlan(t, c, budget.id, planOf([line('Home care', 'council-arranged', 600_000)]), { startDate: '2026-05-01' });
    const reconciled = await t.call('POST', `/v1/interim-budgets/${id}/reconciliation`, {
      key: c.keys.finance,
      body: { budgetId: budget.id },
    });
    expect(reconciled.statusCode, reconciled.body).toBe(200);
    expect(reconciled.json()).toMatchObject({
      status: 'reconciled',
      endDate: '2026-04-30',
      reconciliation: { budgetId: budget.id, carriedPence: 35_000, keptPence: 150_000 },
    });
    const account = (await t.call('GET', `/v1/budgets/${budget.id}/account`, { key: c.keys.finance })).json();
    expect(account.councilPaidPence).toBe(35_000);
    expect(account.schedule[0]).toMatchObject({ number: 1, amountPence: 52_084, paidPence: 35_000, status: 'part-paid' });
    // The run for 31 July owes instalment 1's other 17,084 and instalments 2 and 3 in full.
    const run = await t.call('POST', '/v1/payment-runs', { key: c.keys.finance, body: { runDate: '2026-07-31' } });
    expect(run.json().totalPence).toBe(17_084 + 2 * 52_084);
    await t.call('POST', `/v1/payment-runs/${run.json().id}/cancel`, { key: c.keys.finance });
  });
});
