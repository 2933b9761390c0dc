import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../src/clock.js';
import { type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// Erased means closed to every writer, the payment run included (issue 28, item 5). Found by the
// issue's review: a person erased with instalments still unpaid on their ended budget had £444.18
// paid into it by the next payment run. Decided: erasure on request is refused while money is
// owed (409 MONEY_OWED naming it), and a payment run leaves an erased person's budget out and
// counts it, for people erased before that rule or past their retention date.

let today = '2026-09-15';
const clock: Clock = { now: () => new Date(`${today}T12:00:00Z`), today: () => today };

let t: TestApp;
let council: SetUpCouncil;

beforeAll(async () => {
  t = await createTestApp({ clock });
});
// Each test its own council: a run one leaves open would otherwise refuse the other's.
beforeEach(async () => {
  today = '2026-09-15';
  council = await setUpCouncil(t, {
    dataProtection: {
      controller: 'Test Borough Council',
      dpoContact: 'dpo@test-borough.example',
      retention: { personRecordYears: 1, auditRecordYears: 1, statutoryMinimumYears: 1 },
    },
  });
});
afterAll(() => t.close());

/** An agreed £6,250.00 budget from 1 May 2026 (monthly instalments of £520.84 × 4, then £520.83), ended on 31 July 2026, nothing paid. */
async function endedUnpaid(): Promise<{ personId: string; budgetId: string }> {
  today = '2026-09-15';
  const { personId, budgetId } = await agreedBudget(t, council);
  const current = await t.call('GET', `/v1/budgets/${budgetId}`, { key: council.keys.teamManager });
  const ended = await t.call('POST', `/v1/budgets/${budgetId}/end`, {
    key: council.keys.teamManager,
    headers: { 'if-match': current.headers.etag as string },
    body: { endDate: '2026-07-31', reason: 'Moved out of the area' },
  });
  expect(ended.statusCode, ended.body).toBe(200);
  return { personId, budgetId };
}

const runOn = async (runDate: string) => {
  const run = await t.call('POST', '/v1/payment-runs', { key: council.keys.finance, body: { runDate } });
  expect(run.statusCode, run.body).toBeLessThan(300);
  return run.json();
};
const confirm = async (id: string) => {
  const confirmed = await t.call('POST', `/v1/payment-runs/${id}/confirm`, { key: council.keys.finance });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return confirmed.json();
};
const runItemsFor = async (runId: string, budgetId: string) => {
  const file = await t.call('GET', `/v1/payment-runs/${runId}/file?format=csv`, { key: council.keys.finance });
  expect(file.statusCode, file.body).toBe(200);
  return file.body.split('\r\n').filter((line) => line.includes(budgetId));
};

describe('erasing a person owed money', () => {
  it('is refused on request with 409 MONEY_OWED naming each budget and what it owes, and allowed once it is paid', async () => {
    const { personId, budgetId } = await endedUnpaid();
    const refused = await t.call('POST', `/v1/people/${personId}/erasure`, { key: council.keys.admin, body: { note: 'Request ref 12' } });
    expect(refused.statusCode).toBe(409);
    const problem = problemOf(refused) as ReturnType<typeof problemOf> & { owed?: unknown };
    expect(problem.code).toBe('MONEY_OWED');
    // May, June and July fell due before the end on 31 July: 3 × £520.84 = £1,562.52.
    expect(problem.owed).toEqual([{ budgetId, instalments: 3, amountPence: 156_252, firstDueDate: '2026-05-01' }]);
    expect(problem.detail).toContain('£1,562.52');
    // Nothing was erased.
    expect((await t.call('GET', `/v1/people/${personId}`, { key: council.keys.admin })).json().erasedAt).toBeNull();

    const run = await runOn('2026-09-15');
    // 3 instalments, each split between PLAN's 3 payees (holder, ISF provider, commissioned care).
    expect(await runItemsFor(run.id, budgetId)).toHaveLength(9);
    await confirm(run.id);
    const erased = await t.call('POST', `/v1/people/${personId}/erasure`, { key: council.keys.admin, body: { note: 'Request ref 12' } });
    expect(erased.statusCode, erased.body).toBe(200);
  });
});

describe('a payment run and an erased person', () => {
  it('leaves the erased person’s budget out and counts it, whether erased before the run was prepared or before it was confirmed', async () => {
    const { personId, budgetId } = await endedUnpaid();
    const { personId: laterId, budgetId: laterBudgetId } = await endedUnpaid();
    // Past the retention period of 1 year from the last thing that happened to them. (Records are
    // still stamped with the wall clock where the service writes them, so well past it: issue 31.)
    today = '2031-01-01';
    const prepared = await runOn('2031-01-01');
    expect(await runItemsFor(prepared.id, laterBudgetId)).toHaveLength(9);
    // The retention run erases both (past their date, money owed or not) after the run was prepared.
    const retention = await t.call('POST', '/v1/erasure-runs', { key: council.keys.admin, body: { dryRun: false } });
    expect(retention.statusCode, retention.body).toBe(200);
    expect(retention.json().erased).toEqual(expect.arrayContaining([personId, laterId]));

    // Confirming skips their payments, saying why: nothing is written to an erased record.
    const confirmed = await confirm(prepared.id);
    expect(confirmed.skipped.payments).toBe(18);
    expect(confirmed.paid.payments).toBe(0);
    for (const id of [budgetId, laterBudgetId]) {
      const account = (await t.call('GET', `/v1/budgets/${id}/account`, { key: council.keys.finance })).json();
      expect(account.transactions).toEqual([]);
      expect(account.councilPaidPence).toBe(0);
    }

    // The next run leaves them out before it starts, and says how many instalments it held.
    today = '2031-02-01';
    const next = await runOn('2031-02-01');
    expect(await runItemsFor(next.id, budgetId)).toEqual([]);
    expect(await runItemsFor(next.id, laterBudgetId)).toEqual([]);
    expect(next.held.erased).toBe(6);
    expect(next.payments).toBe(0);
    const shown = (await t.call('GET', `/v1/payment-runs/${next.id}`, { key: council.keys.finance })).json();
    expect(shown.held.erased).toBe(next.held.erased);
  });
});
