import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreedPerson, directPaymentAgreement, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { PLAN } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;

// Worked by hand: 25 points × £250 = £6,250 a year (625,000p), the whole of a 52-week year.
// PLAN (helpers/plan.ts): a PA at £80 a week × 52 = £4,160; a day service at £1,000 a year;
// equipment £200 once. Costs £5,360, with £500 contingency £5,860: within budget, £390 to spare.

async function indicativeBudget(c: SetUpCouncil = council, body: Record<string, unknown> = {}) {
  const { personId, assessmentId } = await agreedPerson(t, c);
  // A financial assessment of £0 a week from 2025, so the panel checklist passes; tests that need
  // a contribution record a later one.
  await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
    key: c.keys.finance,
    body: { effectiveFrom: '2025-01-01', weeklyContributionPence: 0 },
  });
  const budget = await t.call('POST', '/v1/budgets', { key: c.keys.assessor, body: { assessmentId, startDate: '2026-05-01', ...body } });
  expect(budget.statusCode, budget.body).toBe(201);
  return { personId, budgetId: budget.json().id as string, budget: budget.json() };
}

async function createPlan(budgetId: string, plan: object = PLAN, key = council.keys.assessor) {
  const response = await t.call('POST', '/v1/support-plans', { key, body: { budgetId, ...plan } });
  expect(response.statusCode, response.body).toBe(201);
  return response;
}

/** Sends a request with the ETag of the previous answer and returns the new answer. */
async function next(previous: LightMyRequestResponse, method: string, url: string, key: string, body?: unknown) {
  return t.call(method, url, { key, headers: { 'if-match': previous.headers.etag as string }, ...(body === undefined ? {} : { body }) });
}

async function decide(previous: LightMyRequestResponse, stage: string, outcome: string, key: string, extra: Record<string, unknown> = {}) {
  return next(previous, 'POST', `/v1/support-plans/${previous.json().id}/decisions`, key, {
    stage,
    outcome,
    reasons: `${stage} ${outcome}`,
    ...extra,
  });
}

/** Takes a plan through submission and every stage to panel approval. */
async function approve(plan: LightMyRequestResponse, startDate = '2026-05-01') {
  const submitted = await next(plan, 'POST', `/v1/support-plans/${plan.json().id}/submit`, council.keys.assessor);
  expect(submitted.statusCode, submitted.body).toBe(200);
  const coordinator = await decide(submitted, 'coordinator', 'approve', council.keys.assessor);
  expect(coordinator.json().stage).toBe('team-manager');
  const manager = await decide(coordinator, 'team-manager', 'approve', council.keys.teamManager);
  expect(manager.json().stage).toBe('panel');
  const panel = await decide(manager, 'panel', 'approve', council.keys.panel, { startDate });
  expect(panel.statusCode, panel.body).toBe(200);
  return panel;
}

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t);
});
afterAll(() => t.close());

describe('financial assessments', () => {
  it('keeps history and uses the one in force on the budget’s start date', async () => {
    const { personId, assessmentId } = await agreedPerson(t, council);
    const url = `/v1/people/${personId}/financial-assessments`;
    expect(
      (await t.call('POST', url, { key: council.keys.finance, body: { effectiveFrom: '2026-01-01', weeklyContributionPence: 1_000 } }))
        .statusCode,
    ).toBe(201);
    const computed = await t.call('POST', url, {
      key: council.keys.finance,
      body: {
        effectiveFrom: '2026-06-01',
        calculate: {
          weeklyIncomePence: 30_000,
          capitalPence: 0,
          weeklyHousingCostsPence: 0,
          weeklyDisabilityRelatedExpenditurePence: 2_000,
          weeklyMinimumIncomeGuaranteePence: 22_800,
          weeklyCostOfCarePence: 50_000,
        },
      },
    });
    expect(computed.json()).toMatchObject({ method: 'calculated', weeklyContributionPence: 5_200 }); // 300 − 228 − 20
    const both = await t.call('POST', url, { key: council.keys.finance, body: { effectiveFrom: '2026-07-01' } });
    expect(both.statusCode).toBe(422);
    const history = (await t.call('GET', url, { key: council.keys.auditor })).json().items;
    expect(history.map((item: { effectiveFrom: string }) => item.effectiveFrom)).toEqual(['2026-01-01', '2026-06-01']);

    const may = (
      await t.call('POST', '/v1/budgets', { key: council.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } })
    ).json();
    expect(may.weeklyContributionPence).toBe(1_000);
    expect(may.annualContributionPence).toBe(52_000);
    const june = (
      await t.call('POST', '/v1/budgets', { key: council.keys.assessor, body: { assessmentId, startDate: '2026-06-01' } })
    ).json();
    expect(june.weeklyContributionPence).toBe(5_200);
  });
});

describe('support plans', () => {
  it('costs a plan against its budget and runs the panel checklist', async () => {
    // Without indicativeBudget's financial assessment, so the checklist has one item to fail.
    const { personId, assessmentId } = await agreedPerson(t, council);
    const budgetId = (
      await t.call('POST', '/v1/budgets', { key: council.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } })
    ).json().id as string;
    const plan = (await createPlan(budgetId)).json();
    expect(plan.costing).toMatchObject({
      annualCostPence: 536_000,
      contingencyPence: 50_000,
      budgetPence: 625_000,
      withinBudget: true,
      headroomPence: 39_000,
    });
    expect(plan.costing.byManagementOption).toMatchObject({
      'direct-payment': 416_000,
      'council-arranged': 100_000,
      'individual-service-fund': 20_000,
      trust: 0,
    });
    const failed = plan.checklist.filter((item: { passed: boolean }) => !item.passed).map((item: { key: string }) => item.key);
    expect(failed).toEqual(['financial-assessment-done']);
    await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: council.keys.finance,
      body: { effectiveFrom: '2026-01-01', weeklyContributionPence: 0 },
    });
    const again = (await t.call('GET', `/v1/support-plans/${plan.id}`, { key: council.keys.auditor })).json();
    expect(again.checklist.every((item: { passed: boolean }) => item.passed)).toBe(true);
  });

  it('flags each gap in a weak plan', async () => {
    const { budgetId } = await indicativeBudget();
    const weak = {
      ...PLAN,
      lines: [{ ...PLAN.lines[0], outcomeKeys: ['holiday'], provider: '' }],
      contingency: { amountPence: 0, plan: '', emergencyCover: '' },
      risks: [{ description: 'Falls', mitigation: '', resolved: false }],
      supportManager: '',
    };
    const plan = (await createPlan(budgetId, weak)).json();
    const failed = Object.fromEntries(plan.checklist.map((item: { key: string; passed: boolean }) => [item.key, item.passed]));
    expect(failed).toMatchObject({
      'outcomes-stated': true,
      'lines-serve-outcomes': false,
      'providers-named': false,
      'budget-holder-and-support-manager': false,
      'contingency-stated': false,
      'risks-mitigated': false,
      'no-unresolved-risks': false,
    });
  });

  it('approves through every stage and, in one step, agrees the budget, fixes the payments and schedules reviews', async () => {
    const { budgetId, personId } = await indicativeBudget();
    await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: council.keys.finance,
      body: { effectiveFrom: '2026-01-01', weeklyContributionPence: 2_000 },
    });
    const approved = await approve(await createPlan(budgetId));
    expect(approved.json()).toMatchObject({ status: 'approved', stage: null, exception: null });
    expect(approved.json().decisions.map((d: { stage: string }) => d.stage)).toEqual(['coordinator', 'team-manager', 'panel']);

    const budget = (await t.call('GET', `/v1/budgets/${budgetId}`, { key: council.keys.finance })).json();
    expect(budget).toMatchObject({
      status: 'agreed',
      startDate: '2026-05-01',
      councilAnnualPence: 625_000,
      annualContributionPence: 104_000,
      netAnnualPence: 521_000,
    });
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: council.keys.finance })).json();
    expect(account.agreement).toMatchObject({
      collection: 'net',
      frequency: 'monthly',
      grossAnnualPence: 625_000,
      contributionAnnualPence: 104_000,
      netAnnualPence: 521_000,
    });
    // £5,210 in 12: 43,416.67 → 8 instalments of 43,417 and 4 of 43,416, adding up to the penny.
    const amounts = account.schedule.map((i: { amountPence: number }) => i.amountPence);
    expect(amounts).toEqual([...Array(8).fill(43_417), ...Array(4).fill(43_416)]);
    expect(amounts.reduce((a: number, b: number) => a + b, 0)).toBe(521_000);
    expect(account.schedule[0].dueDate).toBe('2026-05-01');
    expect(account.schedule[11].dueDate).toBe('2027-04-01');
    expect(account.balancePence).toBe(0);

    const events = await t.database.db
      .selectFrom('events')
      .select('type')
      .where('council_id', '=', council.id)
      .where('entity_id', 'in', [budgetId])
      .execute();
    expect(events.map((event) => event.type)).toContain('budget.agreed');
    const reviews = await t.database.db
      .selectFrom('reviews')
      .select(['kind', 'due_date'])
      .where('budget_id', '=', budgetId)
      .orderBy('due_date')
      .execute();
    expect(reviews).toEqual([
      { kind: 'first', due_date: '2026-05-29' },
      { kind: 'annual', due_date: '2027-05-01' },
    ]);
  });

  it('refuses decisions out of order, by the wrong role, or without If-Match', async () => {
    const { budgetId } = await indicativeBudget();
    const plan = await createPlan(budgetId);
    const early = await decide(plan, 'coordinator', 'approve', council.keys.assessor);
    expect(early.statusCode).toBe(409); // still a draft
    const submitted = await next(plan, 'POST', `/v1/support-plans/${plan.json().id}/submit`, council.keys.assessor);
    expect((await decide(submitted, 'panel', 'approve', council.keys.panel, { startDate: '2026-05-01' })).statusCode).toBe(409);
    expect((await decide(submitted, 'coordinator', 'approve', council.keys.teamManager)).statusCode).toBe(403);
    const noIfMatch = await t.call('POST', `/v1/support-plans/${plan.json().id}/decisions`, {
      key: council.keys.assessor,
      body: { stage: 'coordinator', outcome: 'approve', reasons: 'x' },
    });
    expect(noIfMatch.statusCode).toBe(428);
  });

  it('returns a plan to the person, who changes it and submits again from the start', async () => {
    const { budgetId } = await indicativeBudget();
    // An ETag names a version of one plan: plan A, changed once, is at version 2, so its ETag
    // cannot submit plan B (still at version 1), and B stays a draft.
    const a = await createPlan(budgetId);
    const changedA = await next(a, 'PUT', `/v1/support-plans/${a.json().id}`, council.keys.assessor, {
      ...PLAN,
      budgetHolder: 'My sister',
    });
    expect(changedA.headers.etag).toBe('"2"');
    const b = await createPlan(budgetId);
    const wrongEtag = await next(changedA, 'POST', `/v1/support-plans/${b.json().id}/submit`, council.keys.assessor);
    expect(wrongEtag.statusCode).toBe(412);
    expect((await t.call('GET', `/v1/support-plans/${b.json().id}`, { key: council.keys.auditor })).json().status).toBe('draft');
    const plan = await createPlan(budgetId);
    const sent = await next(plan, 'POST', `/v1/support-plans/${plan.json().id}/submit`, council.keys.assessor);
    const coordinator = await decide(sent, 'coordinator', 'approve', council.keys.assessor);
    const returned = await decide(coordinator, 'team-manager', 'return', council.keys.teamManager, { reasons: 'Say who covers weekends' });
    expect(returned.json()).toMatchObject({ status: 'returned', stage: null });
    const changed = await next(returned, 'PUT', `/v1/support-plans/${plan.json().id}`, council.keys.assessor, {
      ...PLAN,
      supportManager: 'My sister and my brother at weekends',
    });
    expect(changed.statusCode).toBe(200);
    const again = await next(changed, 'POST', `/v1/support-plans/${plan.json().id}/submit`, council.keys.assessor);
    expect(again.json()).toMatchObject({ status: 'submitted', stage: 'coordinator' });
  });

  it('rejects, and a rejected plan can no longer change', async () => {
    const { budgetId } = await indicativeBudget();
    const plan = await createPlan(budgetId);
    const sent = await next(plan, 'POST', `/v1/support-plans/${plan.json().id}/submit`, council.keys.assessor);
    const rejected = await decide(sent, 'coordinator', 'reject', council.keys.assessor);
    expect(rejected.json().status).toBe('rejected');
    expect((await next(rejected, 'PUT', `/v1/support-plans/${plan.json().id}`, council.keys.assessor, PLAN)).statusCode).toBe(409);
  });

  it('sends a plan with an unresolved risk to the Risk Enablement Panel, and only such a plan', async () => {
    const { budgetId } = await indicativeBudget();
    const risky = await createPlan(budgetId, {
      ...PLAN,
      risks: [{ description: 'Lives alone, epilepsy', mitigation: 'Telecare sensor', resolved: false }],
    });
    const sent = await next(risky, 'POST', `/v1/support-plans/${risky.json().id}/submit`, council.keys.assessor);
    const manager = await decide(
      await decide(sent, 'coordinator', 'approve', council.keys.assessor),
      'team-manager',
      'approve',
      council.keys.teamManager,
    );
    expect(manager.json().stage).toBe('risk-enablement');
    expect((await decide(manager, 'panel', 'approve', council.keys.panel, { startDate: '2026-05-01' })).statusCode).toBe(409);
    const enabled = await decide(manager, 'risk-enablement', 'approve', council.keys.panel);
    expect(enabled.json().stage).toBe('panel');

    const { budgetId: other } = await indicativeBudget();
    const safe = await createPlan(other);
    const safeSent = await next(safe, 'POST', `/v1/support-plans/${safe.json().id}/submit`, council.keys.assessor);
    const safeManager = await decide(
      await decide(safeSent, 'coordinator', 'approve', council.keys.assessor),
      'team-manager',
      'approve',
      council.keys.teamManager,
    );
    expect((await decide(safeManager, 'risk-enablement', 'approve', council.keys.panel)).statusCode).toBe(409);
  });

  it('lets exactly one of two racing panel approvals win', async () => {
    const { budgetId } = await indicativeBudget();
    const plan = await createPlan(budgetId);
    const sent = await next(plan, 'POST', `/v1/support-plans/${plan.json().id}/submit`, council.keys.assessor);
    const ready = await decide(
      await decide(sent, 'coordinator', 'approve', council.keys.assessor),
      'team-manager',
      'approve',
      council.keys.teamManager,
    );
    const results = await Promise.all([
      decide(ready, 'panel', 'approve', council.keys.panel, { startDate: '2026-05-01' }),
      decide(ready, 'panel', 'approve', council.keys.panel, { startDate: '2026-05-01' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 412]);
    const agreements = await t.database.db.selectFrom('payment_agreements').select('id').where('budget_id', '=', budgetId).execute();
    expect(agreements).toHaveLength(1);
  });

  it('approves a plan over budget only as a flagged exception with a reason, and needs a start date', async () => {
    const { budgetId } = await indicativeBudget();
    const over = { ...PLAN, lines: [...PLAN.lines, { ...PLAN.lines[2], description: 'Holiday', amountPence: 100_000 }] };
    const plan = await createPlan(budgetId, over);
    expect(plan.json().costing).toMatchObject({ withinBudget: false, headroomPence: -61_000 });
    const sent = await next(plan, 'POST', `/v1/support-plans/${plan.json().id}/submit`, council.keys.assessor);
    const ready = await decide(
      await decide(sent, 'coordinator', 'approve', council.keys.assessor),
      'team-manager',
      'approve',
      council.keys.teamManager,
    );
    const noDate = await decide(ready, 'panel', 'approve', council.keys.panel);
    expect(problemOf(noDate).errors?.[0]?.pointer).toBe('/startDate');
    const noReason = await decide(ready, 'panel', 'approve', council.keys.panel, { startDate: '2026-05-01' });
    expect(noReason.statusCode).toBe(422);
    expect(problemOf(noReason).errors?.[0]?.pointer).toBe('/exceptionReason');
    const exception = await decide(ready, 'panel', 'approve', council.keys.panel, {
      startDate: '2026-05-01',
      exceptionReason: 'One-off holiday agreed as respite',
    });
    expect(exception.json()).toMatchObject({
      status: 'approved',
      exception: { reason: 'One-off holiday agreed as respite', overBudgetPence: 61_000 },
    });
  });
});

describe('budget account', () => {
  it('records money in and out, reverses mistakes, and keeps the balance equal to the ledger', async () => {
    const { budgetId, personId } = await indicativeBudget();
    await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: council.keys.finance,
      body: { effectiveFrom: '2026-01-01', weeklyContributionPence: 2_000 },
    });
    await approve(await createPlan(budgetId));
    await directPaymentAgreement(t, council, budgetId);
    const url = `/v1/budgets/${budgetId}/transactions`;
    const post = (body: Record<string, unknown>) =>
      t.call('POST', url, { key: council.keys.finance, body: { occurredOn: '2026-05-01', ...body } });

    expect((await post({ kind: 'council-payment', amountPence: 43_417, instalmentNumber: 1 })).statusCode).toBe(201);
    expect((await post({ kind: 'council-payment', amountPence: 43_417, instalmentNumber: 1 })).statusCode).toBe(409);
    expect(problemOf(await post({ kind: 'council-payment', amountPence: 40_000, instalmentNumber: 2 })).errors?.[0]?.pointer).toBe(
      '/amountPence',
    );
    expect((await post({ kind: 'contribution', amountPence: 8_667 })).statusCode).toBe(201);
    const spend = (await post({ kind: 'spend', amountPence: 30_000, category: 'personal-assistant', planLine: 0 })).json();
    expect(spend).toMatchObject({ direction: 'out', managedBy: 'direct-payment' });
    expect((await post({ kind: 'refund', amountPence: 1_000, category: 'personal-assistant', planLine: 0 })).statusCode).toBe(201);
    expect((await post({ kind: 'spend', amountPence: 5_000, category: 'equipment' })).statusCode).toBe(201);
    expect((await post({ kind: 'adjustment', amountPence: 100 })).statusCode).toBe(422);
    expect((await post({ kind: 'adjustment', amountPence: 100, direction: 'in', description: 'Bank interest' })).statusCode).toBe(201);
    const reversal = await post({ kind: 'reversal', reversesTransactionId: spend.id, description: 'Entered on the wrong budget' });
    expect(reversal.json()).toMatchObject({ direction: 'in', amountPence: 30_000 });
    expect((await post({ kind: 'reversal', reversesTransactionId: spend.id })).statusCode).toBe(409);

    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: council.keys.auditor })).json();
    // In: 43,417 + 8,667 + 1,000 refund + 100 interest + 30,000 reversal. Out: 30,000 + 5,000.
    expect(account.balancePence).toBe(43_417 + 8_667 + 1_000 + 100 + 30_000 - 30_000 - 5_000);
    expect(account).toMatchObject({ councilPaidPence: 43_417, personPaidPence: 8_667, spentPence: 4_000, adjustmentsPence: 100 });
    expect(account.spendByCategory).toEqual({ 'personal-assistant': -1_000, equipment: 5_000 });
    expect(account.schedule[0]).toMatchObject({ number: 1, status: 'paid' });
    const ledger = account.transactions.reduce(
      (sum: number, entry: { direction: string; amountPence: number }) => sum + (entry.direction === 'in' ? 1 : -1) * entry.amountPence,
      0,
    );
    expect(ledger).toBe(account.balancePence);
    expect(account.transactions.find((entry: { id: string }) => entry.id === spend.id).reversedBy).toBe(reversal.json().id);
  });

  it.each([
    ['negative', -100],
    ['fractional', 10.5],
    ['absurdly large', 1e12],
    ['a string', '100'],
    ['zero', 0],
  ])('refuses a %s amount, names the field and writes nothing', async (_name, amountPence) => {
    const { budgetId } = await indicativeBudget();
    await approve(await createPlan(budgetId));
    const before = await t.database.db.selectFrom('budget_transactions').select('id').where('budget_id', '=', budgetId).execute();
    const response = await t.call('POST', `/v1/budgets/${budgetId}/transactions`, {
      key: council.keys.finance,
      body: { kind: 'spend', amountPence, occurredOn: '2026-05-02' },
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).errors?.map((e) => e.pointer)).toEqual(['/amountPence']);
    const after = await t.database.db.selectFrom('budget_transactions').select('id').where('budget_id', '=', budgetId).execute();
    expect(after).toHaveLength(before.length);
  });

  it('moves no money on an indicative budget, and only finance records it', async () => {
    const { budgetId } = await indicativeBudget();
    const indicative = await t.call('POST', `/v1/budgets/${budgetId}/transactions`, {
      key: council.keys.finance,
      body: { kind: 'spend', amountPence: 100, occurredOn: '2026-05-02' },
    });
    expect(indicative.statusCode).toBe(409);
    const wrongRole = await t.call('POST', `/v1/budgets/${budgetId}/transactions`, {
      key: council.keys.assessor,
      body: { kind: 'spend', amountPence: 100, occurredOn: '2026-05-02' },
    });
    expect(wrongRole.statusCode).toBe(403);
    // What matters is the ledger: neither wrote a line to it, nor an audit record of one.
    const ledger = await t.database.db.selectFrom('budget_transactions').select('id').where('budget_id', '=', budgetId).execute();
    expect(ledger).toEqual([]);
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: council.keys.finance })).json();
    expect(account.transactions).toEqual([]);
    const audited = await t.database.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'transaction.recorded')
      .where(sql<boolean>`after @> ${JSON.stringify({ budgetId })}::jsonb`)
      .execute();
    expect(audited).toEqual([]);
  });

  it('pays gross and four-weekly when the council says so: 13 instalments adding up to the council share', async () => {
    const gross = await setUpCouncil(t, { paymentFrequency: 'four-weekly', contributionCollection: 'gross' });
    const { budgetId, personId } = await indicativeBudget(gross);
    await t.call('POST', `/v1/people/${personId}/financial-assessments`, {
      key: gross.keys.finance,
      body: { effectiveFrom: '2026-01-01', weeklyContributionPence: 2_000 },
    });
    const plan = await t.call('POST', '/v1/support-plans', { key: gross.keys.assessor, body: { budgetId, ...PLAN } });
    const sent = await next(plan, 'POST', `/v1/support-plans/${plan.json().id}/submit`, gross.keys.assessor);
    const c = await decide(sent, 'coordinator', 'approve', gross.keys.assessor);
    const m = await decide(c, 'team-manager', 'approve', gross.keys.teamManager);
    // Four-weekly is not the monthly schedule the panel checklist expects: the panel says why.
    const approved = await decide(m, 'panel', 'approve', gross.keys.panel, {
      startDate: '2026-05-01',
      checklistReasons: { 'monthly-payment-schedule': 'The council pays every provider four-weekly' },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: gross.keys.finance })).json();
    expect(account.agreement).toMatchObject({
      collection: 'gross',
      frequency: 'four-weekly',
      grossAnnualPence: 625_000,
      contributionAnnualPence: 104_000,
    });
    expect(account.schedule).toHaveLength(13);
    expect(account.schedule.reduce((sum: number, i: { amountPence: number }) => sum + i.amountPence, 0)).toBe(625_000);
    expect(account.schedule[1].dueDate).toBe('2026-05-29');
  });
});

describe('appeals', () => {
  it('lets a portal appeal a budget and the panel set an amount outside the RAS', async () => {
    const { personId, assessmentId } = await agreedPerson(t, council, council.keys.portal);
    const budget = (
      await t.call('POST', '/v1/budgets', { key: council.keys.assessor, body: { assessmentId, startDate: '2026-05-01' } })
    ).json();
    expect(budget.personId).toBe(personId);
    const appeal = await t.call('POST', '/v1/appeals', {
      key: council.keys.portal,
      body: { subject: 'budget', budgetId: budget.id, reason: 'My night-time needs are not counted' },
    });
    expect(appeal.statusCode, appeal.body).toBe(201);
    expect(appeal.json()).toMatchObject({ status: 'lodged', lodgedBy: 'portal' });
    expect(
      (await next(appeal, 'POST', `/v1/appeals/${appeal.json().id}/decision`, council.keys.assessor, { outcome: 'upheld', reasons: 'x' }))
        .statusCode,
    ).toBe(403);
    const decided = await next(appeal, 'POST', `/v1/appeals/${appeal.json().id}/decision`, council.keys.panel, {
      outcome: 'upheld',
      reasons: 'Waking night support needed three nights a week',
      agreedAnnualPence: 900_000,
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json().decision).toMatchObject({ outcome: 'upheld', agreedAnnualPence: 900_000 });
    const after = (await t.call('GET', `/v1/budgets/${budget.id}`, { key: council.keys.assessor })).json();
    expect(after.rasAnnualPence).toBe(625_000);
    expect(after.panelAmount).toEqual({ annualPence: 900_000, reason: 'Waking night support needed three nights a week' });
    expect(after.totalAnnualPence).toBe(900_000);
    expect(after.netAnnualPence).toBe(900_000);
  });

  it('reopens a plan at the stage whose decision an upheld appeal overturns', async () => {
    const { budgetId } = await indicativeBudget();
    const plan = await createPlan(budgetId);
    const sent = await next(plan, 'POST', `/v1/support-plans/${plan.json().id}/submit`, council.keys.assessor);
    const c = await decide(sent, 'coordinator', 'approve', council.keys.assessor);
    const rejected = await decide(c, 'team-manager', 'reject', council.keys.teamManager);
    const decisionId = rejected.json().decisions.at(-1).id;
    const appeal = await t.call('POST', '/v1/appeals', {
      key: council.keys.assessor,
      body: { subject: 'plan-decision', decisionId, reason: 'The plan meets the outcomes', lodgedBy: 'agent' },
    });
    const upheld = await next(appeal, 'POST', `/v1/appeals/${appeal.json().id}/decision`, council.keys.panel, {
      outcome: 'upheld',
      reasons: 'Rejection did not consider the PA',
    });
    expect(upheld.statusCode).toBe(200);
    const reopened = (await t.call('GET', `/v1/support-plans/${plan.json().id}`, { key: council.keys.assessor })).json();
    expect(reopened).toMatchObject({ status: 'submitted', stage: 'team-manager' });
  });
});
