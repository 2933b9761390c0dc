import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECT_PAYMENT_TERMS, requestDirectPaymentAgreement, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget, PLAN } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let council: SetUpCouncil;

beforeAll(async () => {
  t = await createTestApp();
  council = await setUpCouncil(t);
});
afterAll(async () => {
  await t.close();
});

const money = (budgetId: string, body: Record<string, unknown>) =>
  t.call('POST', `/v1/budgets/${budgetId}/transactions`, { key: council.keys.finance, body });

async function councilSchedule(budgetId: string) {
  const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: council.keys.finance })).json();
  return account.schedule.filter((i: { funder: string }) => i.funder === 'council') as {
    number: number;
    amountPence: number;
    dueDate: string;
  }[];
}

/** Pays the council's first `count` instalments, each on its due date. */
async function payInstalments(budgetId: string, count: number) {
  const schedule = await councilSchedule(budgetId);
  for (const instalment of schedule.slice(0, count)) {
    const paid = await money(budgetId, {
      kind: 'council-payment',
      amountPence: instalment.amountPence,
      instalmentNumber: instalment.number,
      occurredOn: instalment.dueDate,
    });
    expect(paid.statusCode, paid.body).toBe(201);
  }
  return schedule;
}

describe('direct payment agreements, returns and audit', () => {
  it('needs the agreement before the first direct payment, keeping the terms as accepted', async () => {
    const { budgetId } = await agreedBudget(t, council, { directPaymentAgreement: false });
    const [first] = await councilSchedule(budgetId);
    const early = await money(budgetId, {
      kind: 'council-payment',
      amountPence: first?.amountPence,
      instalmentNumber: 1,
      occurredOn: '2026-05-01',
    });
    expect(early.statusCode).toBe(422);
    expect(problemOf(early)).toMatchObject({ code: 'DIRECT_PAYMENT_AGREEMENT_REQUIRED', errors: [{ pointer: '/kind' }] });

    const base = {
      budgetId,
      termsVersion: DIRECT_PAYMENT_TERMS.version,
      holder: { type: 'person' },
      account: { type: 'prepaid-card', reference: 'CARD-0042' },
      acceptedOn: '2026-04-28',
      acceptedBy: 'Sam Patel',
    };
    const stale = await t.call('POST', '/v1/direct-payment-agreements', {
      key: council.keys.finance,
      body: { ...base, termsVersion: '2025-04' },
    });
    expect(problemOf(stale).errors?.[0]?.pointer).toBe('/termsVersion');
    const nameless = await t.call('POST', '/v1/direct-payment-agreements', {
      key: council.keys.finance,
      body: { ...base, holder: { type: 'nominated-person' } },
    });
    expect(problemOf(nameless).errors?.[0]?.pointer).toBe('/holder/name');

    const created = await t.call('POST', '/v1/direct-payment-agreements', {
      key: council.keys.finance,
      body: { ...base, holder: { type: 'nominated-person', name: 'Priya Patel (sister)' } },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      status: 'active',
      terms: DIRECT_PAYMENT_TERMS,
      holder: { type: 'nominated-person', name: 'Priya Patel (sister)' },
      account: { type: 'prepaid-card', reference: 'CARD-0042' },
      acceptedOn: '2026-04-28',
      returns: [],
    });
    const again = await t.call('POST', '/v1/direct-payment-agreements', { key: council.keys.finance, body: base });
    expect(again.statusCode).toBe(409);
    expect(again.json().existingId).toBe(created.json().id);
    expect(
      (await money(budgetId, { kind: 'council-payment', amountPence: first?.amountPence, instalmentNumber: 1, occurredOn: '2026-05-01' }))
        .statusCode,
    ).toBe(201);
  });

  it('refuses an agreement for a budget whose plan has no direct-payment lines', async () => {
    const arranged = { ...PLAN, lines: PLAN.lines.map((line) => ({ ...line, managedBy: 'council-arranged' })) };
    const { budgetId } = await agreedBudget(t, council, { plan: arranged });
    const refused = await requestDirectPaymentAgreement(t, council, budgetId);
    expect(refused.statusCode).toBe(422);
    expect(problemOf(refused)).toMatchObject({ code: 'NO_DIRECT_PAYMENT_LINES', errors: [{ pointer: '/budgetId' }] });
    // Council-arranged support needs no agreement to be paid.
    const [first] = await councilSchedule(budgetId);
    expect(
      (await money(budgetId, { kind: 'council-payment', amountPence: first?.amountPence, instalmentNumber: 1, occurredOn: '2026-05-01' }))
        .statusCode,
    ).toBe(201);
  });

  it('checks returns against the ledger, audits a sample, recovers money and suspends payments', async () => {
    // Budget A: £6,250 a year paid monthly; two instalments in, £300 spent in May and £200 in June.
    const a = await agreedBudget(t, council);
    const schedule = await payInstalments(a.budgetId, 2);
    const [may, june] = schedule.map((i) => i.amountPence);
    // £6,250 ÷ 12 = £520.83 and a third: the 4 pennies left over go one each to instalments 1–4.
    expect([may, june]).toEqual([52_084, 52_084]);
    await money(a.budgetId, { kind: 'spend', amountPence: 30_000, planLine: 0, occurredOn: '2026-05-20' });
    await money(a.budgetId, { kind: 'spend', amountPence: 20_000, planLine: 0, occurredOn: '2026-06-15' });
    const dpa = a.directPaymentAgreementId as string;

    // May's return agrees to the penny: £0 + £520.84 − £300 = £220.84.
    const mayReturn = await t.call('POST', `/v1/direct-payment-agreements/${dpa}/returns`, {
      key: council.keys.finance,
      body: {
        periodFrom: '2026-05-01',
        periodTo: '2026-05-31',
        openingBalancePence: 0,
        moneyInPence: 52_084,
        moneyOutPence: 30_000,
        closingBalancePence: 22_084,
        receipts: [{ reference: 'PA-May', amountPence: 30_000 }],
      },
    });
    expect(mayReturn.statusCode, mayReturn.body).toBe(201);
    expect(mayReturn.json()).toMatchObject({ matches: true, ledger: { closingBalancePence: 22_084 } });
    // June's return: receipts for £150 of the £200 spent, and a closing balance £50 too low.
    const juneReturn = await t.call('POST', `/v1/direct-payment-agreements/${dpa}/returns`, {
      key: council.keys.finance,
      body: {
        periodFrom: '2026-06-01',
        periodTo: '2026-06-30',
        openingBalancePence: 22_084,
        moneyInPence: 52_084,
        moneyOutPence: 20_000,
        closingBalancePence: 49_168,
        receipts: [{ reference: 'PA-June', amountPence: 15_000 }],
      },
    });
    expect(juneReturn.json().matches).toBe(false);
    const differences = Object.fromEntries(
      juneReturn.json().checks.map((c: { key: string; differencePence: number }) => [c.key, c.differencePence]),
    );
    // Ledger closing: £220.84 + £520.84 − £200 = £541.68.
    expect(differences).toEqual({
      'opening-balance': 0,
      'money-in': 0,
      'money-out': 0,
      'closing-balance': -5_000,
      'statement-adds-up': -5_000,
      receipts: -5_000,
    });

    // Budget B: four instalments in and nothing spent: £2,083.36, above 12 weeks of £6,250 (£1,442.30).
    const b = await agreedBudget(t, council);
    await payInstalments(b.budgetId, 4);
    const dpb = b.directPaymentAgreementId as string;

    // With 0% at random, only B's high balance is drawn; with 100%, both (and the earlier test's accounts).
    const risky = await t.call('POST', '/v1/direct-payment-audits', {
      key: council.keys.finance,
      body: { periodFrom: '2026-05-01', periodTo: '2026-08-31', percent: 0 },
    });
    expect(risky.statusCode, risky.body).toBe(201);
    expect(risky.json().accounts).toEqual([
      expect.objectContaining({ agreementId: dpb, reasons: ['high-balance'], balancePence: 208_336, thresholdPence: 144_230 }),
    ]);
    const everyone = await t.call('POST', '/v1/direct-payment-audits', {
      key: council.keys.finance,
      body: { periodFrom: '2026-05-01', periodTo: '2026-06-30', percent: 100, seed: '2026-Q1' },
    });
    const drawn = everyone.json().accounts.map((account: { agreementId: string }) => account.agreementId);
    expect(drawn).toEqual(expect.arrayContaining([dpa, dpb]));

    // The audit recovers the £50 spent without a receipt from A, and suspends B.
    const recovered = await t.call('POST', `/v1/direct-payment-audits/${everyone.json().id}/outcomes`, {
      key: council.keys.finance,
      body: { agreementId: dpa, outcome: 'recover', recoveryPence: 5_000, notes: '£50 in June spent without a receipt' },
    });
    expect(recovered.statusCode, recovered.body).toBe(200);
    const accountA = (await t.call('GET', `/v1/budgets/${a.budgetId}/account`, { key: council.keys.finance })).json();
    expect(accountA.balancePence).toBe(104_168 - 50_000 - 5_000);
    expect(accountA.transactions.at(-1)).toMatchObject({
      kind: 'clawback',
      amountPence: 5_000,
      description: expect.stringContaining('without a receipt'),
    });
    const suspended = await t.call('POST', `/v1/direct-payment-audits/${everyone.json().id}/outcomes`, {
      key: council.keys.finance,
      body: { agreementId: dpb, outcome: 'suspend', notes: 'Money not used: review the plan' },
    });
    expect(suspended.statusCode).toBe(200);
    expect((await t.call('GET', `/v1/direct-payment-agreements/${dpb}`, { key: council.keys.auditor })).json().status).toBe('suspended');
    const [, , , , fifth] = await councilSchedule(b.budgetId);
    const stopped = await money(b.budgetId, {
      kind: 'council-payment',
      amountPence: fifth?.amountPence,
      instalmentNumber: 5,
      occurredOn: fifth?.dueDate,
    });
    expect(stopped.statusCode).toBe(409);
    expect(problemOf(stopped).code).toBe('DIRECT_PAYMENTS_SUSPENDED');

    // Decided once; and no return for a period the audit has decided.
    const twice = await t.call('POST', `/v1/direct-payment-audits/${everyone.json().id}/outcomes`, {
      key: council.keys.finance,
      body: { agreementId: dpa, outcome: 'satisfactory', notes: 'again' },
    });
    expect(twice.statusCode).toBe(409);
    const late = await t.call('POST', `/v1/direct-payment-agreements/${dpa}/returns`, {
      key: council.keys.finance,
      body: {
        periodFrom: '2026-06-15',
        periodTo: '2026-07-14',
        openingBalancePence: 0,
        moneyInPence: 0,
        moneyOutPence: 0,
        closingBalancePence: 0,
        receipts: [],
      },
    });
    expect(late.statusCode).toBe(409);
    expect(problemOf(late)).toMatchObject({ code: 'RETURN_PERIOD_AUDITED', errors: [{ pointer: '/periodFrom' }] });
    // The council paid £1,041.68 into A and has had £50 back: it can recover at most £991.68 more.
    const next = await t.call('POST', '/v1/direct-payment-audits', {
      key: council.keys.finance,
      body: { periodFrom: '2026-07-01', periodTo: '2026-09-30', percent: 100 },
    });
    const tooMuch = await t.call('POST', `/v1/direct-payment-audits/${next.json().id}/outcomes`, {
      key: council.keys.finance,
      body: { agreementId: dpa, outcome: 'recover', recoveryPence: 99_169, notes: 'More than the council put in' },
    });
    expect(tooMuch.statusCode).toBe(422);
    expect(problemOf(tooMuch).errors?.[0]).toMatchObject({ pointer: '/recoveryPence', detail: 'must be from 1 to 99168' });
    // A portal key sees only its own people's accounts.
    const portal = await t.call('POST', `/v1/direct-payment-agreements/${dpa}/returns`, {
      key: council.keys.portal,
      body: {
        periodFrom: '2026-10-01',
        periodTo: '2026-10-31',
        openingBalancePence: 0,
        moneyInPence: 0,
        moneyOutPence: 0,
        closingBalancePence: 0,
        receipts: [],
      },
    });
    expect(portal.statusCode).toBe(404);
    // Reinstated, B's payments go in again.
    const b0 = await t.call('GET', `/v1/direct-payment-agreements/${dpb}`, { key: council.keys.finance });
    const reinstated = await t.call('POST', `/v1/direct-payment-agreements/${dpb}/status`, {
      key: council.keys.finance,
      headers: { 'if-match': b0.headers.etag as string },
      body: { status: 'active', reason: 'Plan reviewed: the money will be used for respite' },
    });
    expect(reinstated.statusCode, reinstated.body).toBe(200);
    expect(reinstated.json().status).toBe('active');
    const resumed = await money(b.budgetId, {
      kind: 'council-payment',
      amountPence: fifth?.amountPence,
      instalmentNumber: 5,
      occurredOn: fifth?.dueDate,
    });
    expect(resumed.statusCode, resumed.body).toBe(201);
    const again = await t.call('POST', `/v1/direct-payment-agreements/${dpb}/status`, {
      key: council.keys.finance,
      headers: { 'if-match': reinstated.headers.etag as string },
      body: { status: 'active', reason: 'again' },
    });
    expect(again.statusCode).toBe(409);

    const read = (await t.call('GET', `/v1/direct-payment-audits/${everyone.json().id}`, { key: council.keys.auditor })).json();
    expect(read.accounts.find((x: { agreementId: string }) => x.agreementId === dpa)).toMatchObject({
      outcome: 'recover',
      recoveryPence: 5_000,
      debtOwedPence: 0,
    });

    // The next audit finds everything the council put in owed (£991.68), but only £491.68 of it is
    // left in A's account: that much is recovered, to a balance of 0, and £500.00 is a debt owed.
    const before = (await t.call('GET', `/v1/budgets/${a.budgetId}/account`, { key: council.keys.finance })).json();
    expect(before.balancePence).toBe(49_168);
    const all = await t.call('POST', `/v1/direct-payment-audits/${next.json().id}/outcomes`, {
      key: council.keys.finance,
      body: { agreementId: dpa, outcome: 'recover', recoveryPence: 99_168, notes: 'Nothing accounted for since May' },
    });
    expect(all.statusCode, all.body).toBe(200);
    const decided = all.json().accounts.find((x: { agreementId: string }) => x.agreementId === dpa);
    expect(decided).toMatchObject({ outcome: 'recover', recoveryPence: 99_168, debtOwedPence: 50_000 });
    const after = (await t.call('GET', `/v1/budgets/${a.budgetId}/account`, { key: council.keys.finance })).json();
    expect(after.balancePence).toBe(0);
    expect(after.transactions.at(-1)).toMatchObject({ kind: 'clawback', amountPence: 49_168 });
    // Everything the council put in is now back or owed: a later audit can find nothing more owed.
    const later = await t.call('POST', '/v1/direct-payment-audits', {
      key: council.keys.finance,
      body: { periodFrom: '2026-10-01', periodTo: '2026-11-30', percent: 100 },
    });
    const sameMoney = await t.call('POST', `/v1/direct-payment-audits/${later.json().id}/outcomes`, {
      key: council.keys.finance,
      body: { agreementId: dpa, outcome: 'recover', recoveryPence: 1, notes: 'The same money again' },
    });
    expect(sameMoney.statusCode).toBe(422);
    expect(problemOf(sameMoney).errors?.[0]).toMatchObject({ pointer: '/recoveryPence', detail: 'must be from 1 to 0' });
  });
});
