// The budget account: a line per funder, its instalments, what a lump sum pays, who may put money in.
// Issue 11's figures, worked by hand in the comments and asserted over HTTP; each case keeps
// the number.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpCouncil } from './helpers/council-setup.js';
import { AFTER_THE_FIRST_YEAR, agreedBudget, completeAnnualReview, PLAN } from './helpers/plan.js';
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

const TENANCY_SUPPORT = {
  description: 'Tenancy support, 2 hours a week',
  outcomeKeys: ['home'],
  provider: 'Housing support service',
  managedBy: 'council-arranged',
  costType: 'annual',
  amountPence: 120_000,
  fundedBy: 'supporting-people',
};

describe('the account (issue 11, case 6): each funder has its line in the account, its instalments and its own clawback rule', () => {
  it('pays Supporting People through the council and returns its unspent share under its own rule', async () => {
    const c = await setUpCouncil(t);
    // RAS £6,250.00 plus Supporting People £1,200.00 on top (keep none of its underspend).
    const { budgetId } = await agreedBudget(t, c, {
      // Supporting People's money is ring-fenced to the line it funds: tenancy support.
      plan: { ...PLAN, lines: [...PLAN.lines, TENANCY_SUPPORT] },
      budget: {
        fundingStreams: [
          {
            key: 'supporting-people',
            name: 'Supporting People',
            mode: 'added',
            annualPence: 120_000,
            clawback: { type: 'percent', percent: 0 },
          },
        ],
      },
    });
    const before = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json();
    const sp = before.schedule.filter((i: { funder: string }) => i.funder === 'supporting-people');
    // 12 monthly instalments of £100.00 for Supporting People, beside the council's 12.
    expect(sp.map((i: { amountPence: number }) => i.amountPence)).toEqual(Array(12).fill(10_000));
    expect(before.schedule.filter((i: { funder: string }) => i.funder === 'council')).toHaveLength(12);
    // A funder payment needs its stream; council money cannot be recorded as a stream's.
    const unnamed = await money(c.keys.finance, budgetId, { kind: 'funder-payment', amountPence: 120_000 });
    expect(problemOf(unnamed).errors?.[0]?.pointer).toBe('/funder');
    const wrong = await money(c.keys.finance, budgetId, { kind: 'funder-payment', amountPence: 120_000, funder: 'nhs' });
    expect(problemOf(wrong).errors?.[0]).toMatchObject({ pointer: '/funder', detail: 'must be one of "supporting-people"' });
    expect(
      (await money(c.keys.finance, budgetId, { kind: 'funder-payment', funder: 'supporting-people', amountPence: 120_000 })).statusCode,
    ).toBe(201);
    expect((await money(c.keys.finance, budgetId, { kind: 'council-payment', amountPence: 625_000 })).statusCode).toBe(201);
    // £3,725.00 spent: £3,125.00 on the council's support (no line named: the council's) and
    // £600.00 on tenancy support, which only Supporting People's money pays for.
    expect((await money(c.keys.finance, budgetId, { kind: 'spend', amountPence: 312_500 })).statusCode).toBe(201);
    expect((await money(c.keys.finance, budgetId, { kind: 'spend', amountPence: 60_000, planLine: 3 })).statusCode).toBe(201);
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json();
    expect(account.funders.map((f: Record<string, unknown>) => [f.funder, f.name, f.paidInPence, f.spentPence, f.balancePence])).toEqual([
      ['council', 'The council', 625_000, 312_500, 312_500],
      ['supporting-people', 'Supporting People', 120_000, 60_000, 60_000],
    ]);
    expect(account.fundersPaidPence).toBe(120_000);
    expect(account.schedule.every((i: { status: string }) => i.status === 'paid')).toBe(true);
    // At the annual review: the council's £3,125.00 unspent less 20% of £6,250.00 = £1,250.00
    // kept, so £1,875.00 reclaimed; Supporting People keeps 0%, so its £600.00 goes back.
    const completed = await completeAnnualReview(t, c.keys.assessor, budgetId, '2027-05-01');
    expect(completed.json().clawback).toMatchObject({
      clawbackPence: 187_500,
      allowancePence: 125_000,
      funders: [{ funder: 'supporting-people', underspendPence: 60_000, allowancePence: 0, clawbackPence: 60_000 }],
      totalClawbackPence: 247_500,
    });
    // Waiving the council's clawback still returns Supporting People's money: it is not the council's.
    const decided = await t.call('POST', `/v1/reviews/${completed.json().id}/clawback`, {
      key: c.keys.finance,
      headers: { 'if-match': completed.headers.etag as string },
      body: { decision: 'waive', reason: 'Carried forward for a planned respite break' },
    });
    expect(decided.statusCode, decided.body).toBe(200);
    const after = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json();
    expect(after.funders.map((f: Record<string, unknown>) => [f.funder, f.returnedPence, f.balancePence])).toEqual([
      ['council', 0, 312_500],
      ['supporting-people', 60_000, 0],
    ]);
    expect(after.balancePence).toBe(312_500);
  });
});

describe('the account (issue 11, case 8): a lump sum pays the instalments it covers, oldest first', () => {
  it('marks instalments paid and part-paid from one payment, shows the allocation, and asks a named payment for what is still owed', async () => {
    const c = await setUpCouncil(t);
    const { budgetId } = await agreedBudget(t, c);
    // £6,250.00 in 12: four of £520.84 and eight of £520.83. £1,100.00 pays instalments 1 and 2
    // (£1,041.68) and £58.32 of instalment 3, which then owes £520.84 − £58.32 = £462.52.
    const lump = await money(c.keys.finance, budgetId, { kind: 'council-payment', amountPence: 110_000 });
    expect(lump.statusCode).toBe(201);
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json();
    expect(account.schedule.slice(0, 4).map((i: Record<string, unknown>) => [i.number, i.status, i.paidPence])).toEqual([
      [1, 'paid', 52_084],
      [2, 'paid', 52_084],
      [3, 'part-paid', 5_832],
      [4, 'due', 0],
    ]);
    expect(account.schedule[2].payments).toEqual([{ transactionId: lump.json().id, amountPence: 5_832 }]);
    const whole = await money(c.keys.finance, budgetId, { kind: 'council-payment', amountPence: 52_084, instalmentNumber: 3 });
    expect(problemOf(whole).errors?.[0]).toMatchObject({ pointer: '/amountPence', detail: 'must be 46252 for instalment 3' });
    const rest = await money(c.keys.finance, budgetId, { kind: 'council-payment', amountPence: 46_252, instalmentNumber: 3 });
    expect(rest.statusCode, rest.body).toBe(201);
    const after = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json();
    expect(after.schedule[2]).toMatchObject({ status: 'paid', paidPence: 52_084, paidBy: rest.json().id });
    // The whole net budget in one sum pays every instalment.
    const other = await agreedBudget(t, c);
    await money(c.keys.finance, other.budgetId, { kind: 'council-payment', amountPence: 625_000 });
    const all = (await t.call('GET', `/v1/budgets/${other.budgetId}/account`, { key: c.keys.finance })).json();
    expect(all.schedule.every((i: { status: string }) => i.status === 'paid')).toBe(true);
  });
});

describe('the account, found in review', () => {
  // Found in review of issue 11.
  it('keeps a stream the funder pays directly out of the account', async () => {
    const c = await setUpCouncil(t);
    const { budgetId } = await agreedBudget(t, c, {
      budget: {
        fundingStreams: [{ key: 'nhs', name: 'NHS continuing care', mode: 'added', annualPence: 50_000, paysThroughCouncil: false }],
      },
    });
    const account = (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: c.keys.finance })).json();
    expect(account.schedule.every((i: { funder: string }) => i.funder === 'council')).toBe(true);
    const payment = await money(c.keys.finance, budgetId, { kind: 'funder-payment', funder: 'nhs', amountPence: 50_000 });
    expect(problemOf(payment).errors?.[0]).toMatchObject({ pointer: '/funder', detail: 'this budget has no funding streams' });
  });

  it('stops whoever approved the plan at panel putting money in by an adjustment or a reversal', async () => {
    const c = await setUpCouncil(t);
    const panelAndFinance = await t.key(c.keys.admin, ['panel', 'finance'], 'Panel chair who also does finance');
    const { budgetId } = await agreedBudget(t, c, { panelKey: panelAndFinance });
    const adjustment = await money(panelAndFinance, budgetId, {
      kind: 'adjustment',
      direction: 'in',
      amountPence: 1_000,
      description: 'x',
    });
    expect(problemOf(adjustment).code).toBe('SAME_ACTOR');
    const spend = await money(c.keys.finance, budgetId, { kind: 'spend', amountPence: 1_000 });
    const reversal = await money(panelAndFinance, budgetId, { kind: 'reversal', reversesTransactionId: spend.json().id });
    expect(problemOf(reversal).code).toBe('SAME_ACTOR');
    // Money out is not theirs to put in: they may record spending.
    expect((await money(panelAndFinance, budgetId, { kind: 'spend', amountPence: 500 })).statusCode).toBe(201);
  });
});
