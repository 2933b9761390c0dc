import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import { directPaymentAgreement, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget, approvedPlan, PLAN } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// A small council worked by hand. Every budget is £6,250.00 a year from 1 May 2026 with no
// contribution, paid monthly: instalments 1–4 are £520.84 and 5–12 are £520.83 (4 × 52,084 +
// 8 × 52,083 = 625,000 pence), due on the 1st of each month. Today is 15 July 2026 and the run is
// for 31 July, so instalments 1, 2 and 3 are due.
//
//   A  all direct payment, to account 20-00-00 12345678; #1 paid, #2 part-paid £300.00:
//      owes 22,084 (#2) + 52,084 (#3) = 74,168
//   B  all council-arranged from Brookside: owes #1–#3 = 3 × 52,084 = 156,252. Its lines cost
//      £5,360 of the £6,250; the other £890 (contingency and headroom) stays in the council's own
//      account. Each instalment: 52,084 × 5,360 ÷ 6,250 = 44,667.9 → 44,668 commissioned (the
//      council's spend, never paid to the person), 7,416 to the managed account
//   E  council-arranged: the same, to the same payees as B
//   C  direct payment, agreement suspended: 3 instalments held
//   D  direct payment, no agreement: 422 until held; then 3 instalments on hold
//
// The run: 14 payments (2 + 6 + 6) to 3 payees, 74,168 + 6 × 44,668 + 6 × 7,416 = 386,672 pence.

// (Mixed plans, split between payees, are worked in ways-of-managing.test.ts.)
const MANAGED_PLAN = {
  ...PLAN,
  lines: PLAN.lines.map((line) => ({ ...line, managedBy: 'council-arranged', provider: 'Brookside Day Centre' })),
};
const DIRECT_PLAN = { ...PLAN, lines: PLAN.lines.map((line) => ({ ...line, managedBy: 'direct-payment' })) };

let t: TestApp;
let council: SetUpCouncil;
const budgets: Record<'a' | 'b' | 'c' | 'd' | 'e', string> = { a: '', b: '', c: '', d: '', e: '' };

const pay = (budgetId: string, body: Record<string, unknown>) =>
  t.call('POST', `/v1/budgets/${budgetId}/transactions`, { key: council.keys.finance, body: { kind: 'council-payment', ...body } });
const createRun = (body: Record<string, unknown>, key = council.keys.finance) => t.call('POST', '/v1/payment-runs', { key, body });

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock('2026-07-15') });
  council = await setUpCouncil(t, {
    paymentFile: { serviceUserNumber: '123456', originatorName: 'Test Council', sortCode: '40-00-00', accountNumber: '10000001' },
  });
  budgets.a = (await agreedBudget(t, council, { plan: DIRECT_PLAN, directPaymentAgreement: false })).budgetId;
  await directPaymentAgreement(t, council, budgets.a, { account: { type: 'bank', reference: '20-00-00 12345678' } });
  budgets.b = (await agreedBudget(t, council, { plan: MANAGED_PLAN })).budgetId;
  budgets.c = (await agreedBudget(t, council, { plan: DIRECT_PLAN, directPaymentAgreement: false })).budgetId;
  const c = await directPaymentAgreement(t, council, budgets.c, { account: { type: 'bank', reference: '30-00-00 87654321' } });
  const current = await t.call('GET', `/v1/direct-payment-agreements/${c.id}`, { key: council.keys.finance });
  const suspended = await t.call('POST', `/v1/direct-payment-agreements/${c.id}/status`, {
    key: council.keys.finance,
    headers: { 'if-match': current.headers.etag as string },
    body: { status: 'suspended', reason: 'Audit found no receipts' },
  });
  expect(suspended.statusCode, suspended.body).toBe(200);
  budgets.d = (await agreedBudget(t, council, { plan: DIRECT_PLAN, directPaymentAgreement: false })).budgetId;
  budgets.e = (await agreedBudget(t, council, { plan: MANAGED_PLAN })).budgetId;
  // A has paid instalment 1 and part of 2.
  expect((await pay(budgets.a, { amountPence: 52_084, instalmentNumber: 1, occurredOn: '2026-05-01' })).statusCode).toBe(201);
  expect((await pay(budgets.a, { amountPence: 30_000, occurredOn: '2026-06-01' })).statusCode).toBe(201);
});
afterAll(async () => {
  await t.close();
});

async function runsOfCouncil(): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from payment_runs where council_id = ${council.id}`.execute(
    t.database.db,
  );
  return rows[0]?.n ?? 0;
}

describe('the payment run', () => {
  it('refuses what it cannot pay, prepares, writes the CSV, confirms, writes the Bacs file, cancels, and is the council’s own, step by step', async () => {
    // refuses a direct-payment budget without its agreement, naming it, and writes nothing.
    {
      const refused = await createRun({ runDate: '2026-07-31' });
      expect(refused.statusCode).toBe(422);
      const problem = problemOf(refused);
      expect(problem.code).toBe('DIRECT_PAYMENT_AGREEMENT_REQUIRED');
      expect(problem.errors).toEqual([
        {
          pointer: '/holdBudgetIds',
          detail: `budget ${budgets.d} line 0 (direct-payment) needs its agreement: createDirectPaymentAgreement with managementOption direct-payment`,
        },
      ]);
      expect(await runsOfCouncil()).toBe(0);
    }

    // refuses bad input with the field named.
    {
      expect(problemOf(await createRun({ runDate: '2026-09-30' })).errors).toEqual([
        { pointer: '/runDate', detail: 'must be on or before 2026-08-19' },
      ]);
      const stranger = '01900000-0000-7000-8000-000000000000';
      expect(problemOf(await createRun({ runDate: '2026-07-31', holdBudgetIds: [stranger] })).errors).toEqual([
        { pointer: '/holdBudgetIds/0', detail: `${stranger} is not a budget of the council` },
      ]);
      expect((await createRun({ runDate: '2026-07-31' }, council.keys.assessor)).statusCode).toBe(403);
    }

    let runId = '';
    // pays every instalment due and not yet paid, grouped by payee, with the control count and total.
    {
      const created = await createRun({ runDate: '2026-07-31', holdBudgetIds: [budgets.d] });
      expect(created.statusCode, created.body).toBe(201);
      const run = created.json();
      runId = run.id;
      expect(run).toMatchObject({
        runDate: '2026-07-31',
        status: 'prepared',
        payments: 14,
        payees: 3,
        totalPence: 386_672,
        byPayeeKind: {
          directPayment: { payments: 2, amountPence: 74_168 },
          commissioned: { payments: 6, amountPence: 6 * 44_668 },
          managedAccount: { payments: 6, amountPence: 6 * 7_416 },
        },
        held: { suspended: 3, onHold: 3 },
        paid: { payments: 0, amountPence: 0 },
        pending: { payments: 14, amountPence: 386_672 },
      });
      // The same date again is the same run: idempotent per council and date.
      const again = await createRun({ runDate: '2026-07-31', holdBudgetIds: [budgets.d] });
      expect(again.statusCode).toBe(200);
      expect(again.json().id).toBe(runId);
      // The same date with other holds would pay (or hold) other budgets: cancel and prepare again.
      expect(problemOf(await createRun({ runDate: '2026-07-31' }))).toMatchObject({
        status: 409,
        code: 'PAYMENT_RUN_OPEN',
        existingId: runId,
      });
      // Another date while this one is open would pay the same instalments twice.
      const other = await createRun({ runDate: '2026-07-30' });
      expect(problemOf(other)).toMatchObject({ status: 409, code: 'PAYMENT_RUN_OPEN', existingId: runId });
    }

    // writes the CSV with each payee’s total and the control row.
    {
      const csv = await t.call('GET', `/v1/payment-runs/${runId}/file?format=csv`, { key: council.keys.auditor });
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const rows = csv.body
        .trimEnd()
        .split('\r\n')
        .map((line) => line.split(','));
      expect(rows[0]).toEqual([
        'record',
        'run_id',
        'run_date',
        'payee_kind',
        'payee_reference',
        'payee_name',
        'budget_id',
        'person_id',
        'instalment_number',
        'due_date',
        'count',
        'amount_pence',
        'payment_reference',
        'skipped_reason',
      ]);
      const direct = rows.filter((row) => row[3] === 'direct-payment');
      expect(direct.map((row) => [row[0], row[4], row[8], row[9], row[10], row[11]])).toEqual([
        ['payment', '20-00-00 12345678', '2', '2026-06-01', '1', '22084'],
        ['payment', '20-00-00 12345678', '3', '2026-07-01', '1', '52084'],
        ['payee-total', '20-00-00 12345678', '', '', '2', '74168'],
      ]);
      const commissioned = rows.filter((row) => row[3] === 'commissioned');
      expect(commissioned).toHaveLength(7);
      expect(commissioned.at(-1)?.slice(3, 6)).toEqual(['commissioned', 'COMMISSIONED:Brookside Day Centre', 'Brookside Day Centre']);
      expect(commissioned.at(-1)?.slice(10, 12)).toEqual(['6', '268008']);
      // Each payment carries the reference its payee sees: the budget's, and the run's month.
      expect(direct[0]?.[12]).toBe(`PB ${budgets.a.replaceAll('-', '').slice(-10).toUpperCase()} 2607`);
      expect(
        rows
          .filter((row) => row[3] === 'managed-account')
          .at(-1)
          ?.slice(10, 12),
      ).toEqual(['6', '44496']);
      expect(rows.at(-1)).toEqual(['control', runId, '2026-07-31', '', '', '', '', '', '', '', '14', '386672', '', '']);
    }

    // confirms: each payment on its ledger against its instalment, skipping what changed since.
    {
      // B's third instalment is paid by hand after the run was prepared: the run must not pay it again.
      expect((await pay(budgets.b, { amountPence: 52_084, instalmentNumber: 3, occurredOn: '2026-07-01' })).statusCode).toBe(201);
      // Until it is confirmed, the Bacs file (the one that moves money) is not given.
      expect(problemOf(await t.call('GET', `/v1/payment-runs/${runId}/file?format=bacs`, { key: council.keys.finance })).code).toBe(
        'INVALID_STATE',
      );
      const before = (await t.call('GET', '/v1/events?pageSize=200', { key: council.keys.admin })).json().items.length;
      const confirmed = await t.call('POST', `/v1/payment-runs/${runId}/confirm`, { key: council.keys.finance });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      expect(confirmed.json()).toMatchObject({
        status: 'confirmed',
        // B's third instalment: both its shares skipped together.
        paid: { payments: 12, amountPence: 334_588 },
        skipped: { payments: 2, amountPence: 52_084 },
        pending: { payments: 0, amountPence: 0 },
      });
      const account = (await t.call('GET', `/v1/budgets/${budgets.a}/account`, { key: council.keys.finance })).json();
      expect(account.councilPaidPence).toBe(52_084 + 30_000 + 74_168);
      const schedule = account.schedule.filter((i: { funder: string }) => i.funder === 'council').slice(0, 4);
      expect(schedule.map((i: { status: string }) => i.status)).toEqual(['paid', 'paid', 'paid', 'upcoming']);
      const fromRun = account.transactions.filter(
        (entry: { description: string | null }) => entry.description === 'Payment run 2026-07-31',
      );
      expect(
        fromRun.map((entry: { instalmentNumber: number; amountPence: number }) => [entry.instalmentNumber, entry.amountPence]),
      ).toEqual([
        [2, 22_084],
        [3, 52_084],
      ]);
      const events = (await t.call('GET', '/v1/events?pageSize=200', { key: council.keys.admin })).json().items.slice(before);
      // 7 payments, and the commissioned spend of the 5 paid council-arranged instalments on each
      // of their 3 lines: 15.
      const recorded = events.filter((event: { type: string }) => event.type === 'transaction.recorded');
      expect(recorded.filter((event: { data: { kind: string } }) => event.data.kind === 'council-payment')).toHaveLength(12);
      expect(recorded.filter((event: { data: { kind: string } }) => event.data.kind === 'spend')).toHaveLength(15);
      // B's money was never the person's: what the run paid in is the council's commissioned spend.
      const b = (await t.call('GET', `/v1/budgets/${budgets.b}/account`, { key: council.keys.finance })).json();
      // The instalment paid by hand, which no spend matched, and the two managed-account shares.
      expect(b.balancePence).toBe(52_084 + 2 * 7_416);
      expect(b.spendByManagementOption).toEqual({ 'council-arranged': 2 * 44_668 });
      expect(events.at(-1)).toMatchObject({
        type: 'payment-run.confirmed',
        data: { payments: 14, totalPence: 386_672, paidPayments: 12, paidPence: 334_588, skippedPayments: 2 },
      });
      // The skipped shares are in the run and in the CSV with their reason, out of the totals, which still add up.
      // Why, without naming anyone: both shares of B's third instalment, for one reason.
      const [why] = confirmed.json().skippedReasons;
      expect(confirmed.json().skippedReasons).toEqual([{ reason: why.reason, payments: 2, amountPence: 52_084 }]);
      expect(why.reason).toBe('instalment 3 now owes 0 pence, not the 52084 its shares add up to');
      const csv = (await t.call('GET', `/v1/payment-runs/${runId}/file`, { key: council.keys.finance })).body.trimEnd().split('\r\n');
      // The reason has a comma, so the CSV quotes it: the last field, between quotes.
      const skippedRows = csv
        .filter((line) => line.startsWith('skipped,'))
        .map((line) => [...line.split(',').slice(0, 12), line.slice(line.indexOf(',"') + 2, -1)]);
      expect(skippedRows.map((row) => [row[6], row[8], row[11], row[12]])).toEqual([
        [budgets.b, '3', '44668', why.reason],
        [budgets.b, '3', '7416', why.reason],
      ]);
      expect(csv.at(-1)).toBe(`control,${runId},2026-07-31,,,,,,,,12,334588,,`);
      // Confirming again changes nothing; the date cannot be run again.
      const again = await t.call('POST', `/v1/payment-runs/${runId}/confirm`, { key: council.keys.finance });
      expect(again.json().paid).toEqual({ payments: 12, amountPence: 334_588 });
      expect(problemOf(await createRun({ runDate: '2026-07-31' }))).toMatchObject({ status: 409, code: 'PAYMENT_RUN_CONFIRMED' });
      expect(problemOf(await t.call('POST', `/v1/payment-runs/${runId}/cancel`, { key: council.keys.finance })).code).toBe('INVALID_STATE');
    }

    // writes a Bacs Standard 18 style file of the confirmed direct payments, with the contra and trailer totals.
    {
      const bacs = await t.call('GET', `/v1/payment-runs/${runId}/file?format=bacs`, { key: council.keys.finance });
      expect(bacs.statusCode, bacs.body).toBe(200);
      const records = bacs.body.split('\r\n').slice(0, -1);
      // 31 July 2026 is day 212 of the year.
      expect(records[0]).toBe(`UHL1 26212999999    000000001 DAILY  001${' '.repeat(40)}`);
      // Destination, account type 0, code 99, originator's account, amount, name, reference, payee.
      expect(records[1]).toBe(
        [
          '200000',
          '12345678',
          '0',
          '99',
          '400000',
          '10000001',
          '    ',
          '00000074168',
          'TEST COUNCIL      ',
          `PB ${budgets.a.replaceAll('-', '').slice(-10).toUpperCase()} 2607`,
          'DIRECT PAYMENT HOL',
        ].join(''),
      );
      // The contra debits the council's account with the total: the narrative, CONTRA, the account's name.
      expect(records[2]).toBe(
        [
          '400000',
          '10000001',
          '0',
          '17',
          '400000',
          '10000001',
          '    ',
          '00000074168',
          'RAS RUN 2026-07-31',
          'CONTRA            ',
          'TEST COUNCIL      ',
        ].join(''),
      );
      expect(records[3]).toBe(`UTL1${'0000000074168'}${'0000000074168'}${'0000001'}${'0000001'}${' '.repeat(8)}0000000${' '.repeat(21)}`);
      expect(records).toHaveLength(4);
    }

    // cancels a prepared run, freeing its date, and pays nothing.
    {
      // August: instalment 4 of A, B and E (52,084 each); C suspended and D held, 4 each.
      const created = await createRun({ runDate: '2026-08-03', holdBudgetIds: [budgets.d] });
      expect(created.json()).toMatchObject({ payments: 5, payees: 3, totalPence: 156_252, held: { suspended: 4, onHold: 4 } });
      const cancelled = await t.call('POST', `/v1/payment-runs/${created.json().id}/cancel`, { key: council.keys.finance });
      expect(cancelled.json()).toMatchObject({ status: 'cancelled', paid: { payments: 0 } });
      expect(problemOf(await t.call('GET', `/v1/payment-runs/${created.json().id}/file`, { key: council.keys.finance })).code).toBe(
        'INVALID_STATE',
      );
      const next = await createRun({ runDate: '2026-08-03', holdBudgetIds: [budgets.d] });
      expect(next.statusCode).toBe(201);
      expect(next.json().id).not.toBe(created.json().id);
      expect(next.json().totalPence).toBe(156_252);
      await t.call('POST', `/v1/payment-runs/${next.json().id}/cancel`, { key: council.keys.finance });
    }

    // is the council’s own: another council sees 404, a portal key 403.
    {
      const other = await setUpCouncil(t);
      expect((await t.call('GET', `/v1/payment-runs/${runId}`, { key: other.keys.finance })).statusCode).toBe(404);
      expect((await t.call('GET', `/v1/payment-runs/${runId}/file`, { key: other.keys.finance })).statusCode).toBe(404);
      expect((await t.call('POST', `/v1/payment-runs/${runId}/confirm`, { key: other.keys.finance })).statusCode).toBe(404);
      expect((await t.call('GET', `/v1/payment-runs/${runId}`, { key: council.keys.portal })).statusCode).toBe(403);
      // Without its Bacs details a council still gets the CSV.
      const created = await t.call('POST', '/v1/payment-runs', { key: other.keys.finance, body: { runDate: '2026-07-31' } });
      expect(created.json()).toMatchObject({ payments: 0, totalPence: 0 });
      await t.call('POST', `/v1/payment-runs/${created.json().id}/confirm`, { key: other.keys.finance });
      const bacs = await t.call('GET', `/v1/payment-runs/${created.json().id}/file?format=bacs`, { key: other.keys.finance });
      expect(problemOf(bacs).code).toBe('PAYMENT_FILE_SETTINGS_MISSING');
    }
  });
});

describe('a budget replaced part-way through the year by an uprating', () => {
  // X runs from 1 May. A new scheme version from 15 July (the same £250 a point) is applied and
  // X's new budget Y agreed, so X ends on 14 July still owing instalments 1–3 (3 × 52,084), and Y
  // owes its first, due 15 July (52,084). The run for 31 July pays all four, 208,336 pence, one
  // payee; X's are recorded on its last day, as no money moves on a budget after it ends.
  it('pays what fell due before the old budget ended, on its last day', async () => {
    const other = await setUpCouncil(t);
    const x = await agreedBudget(t, other, { plan: MANAGED_PLAN });
    const scheme = (await t.call('GET', `/v1/allocation-schemes/${other.schemeId}`, { key: other.keys.admin })).json();
    const successor = await t.call('POST', '/v1/allocation-schemes', {
      key: other.keys.admin,
      body: {
        key: scheme.key,
        questionnaireId: other.questionnaireId,
        clientGroups: scheme.clientGroups,
        effectiveFrom: '2026-07-15',
        method: { type: 'linear', poundsPerPointPence: 25_000 },
        clawback: { type: 'percent', percent: 20 },
      },
    });
    expect(successor.statusCode, successor.body).toBe(201);
    const dryRun = await t.call('POST', '/v1/uprating-runs', { key: other.keys.finance, body: { schemeId: other.schemeId } });
    const applied = await t.call('POST', `/v1/uprating-runs/${dryRun.json().id}/apply`, { key: other.keys.finance });
    const y = applied.json().people.items[0].newBudgetId as string;
    await approvedPlan(t, other, y, MANAGED_PLAN, { startDate: '2026-07-15' });
    expect((await t.call('GET', `/v1/budgets/${x.budgetId}`, { key: other.keys.finance })).json().status).toBe('ended');
    const run = await t.call('POST', '/v1/payment-runs', { key: other.keys.finance, body: { runDate: '2026-07-31' } });
    // Four instalments, each commissioned care and the managed account's share.
    expect(run.json()).toMatchObject({ payments: 8, payees: 2, totalPence: 208_336 });
    const confirmed = await t.call('POST', `/v1/payment-runs/${run.json().id}/confirm`, { key: other.keys.finance });
    expect(confirmed.json().paid).toEqual({ payments: 8, amountPence: 208_336 });
    const entries = async (budgetId: string) =>
      (await t.call('GET', `/v1/budgets/${budgetId}/account`, { key: other.keys.finance }))
        .json()
        .transactions.filter((entry: { kind: string }) => entry.kind === 'council-payment')
        .map((entry: { instalmentNumber: number; occurredOn: string }) => [entry.instalmentNumber, entry.occurredOn]);
    expect(await entries(x.budgetId)).toEqual([
      [1, '2026-07-14'],
      [1, '2026-07-14'],
      [2, '2026-07-14'],
      [2, '2026-07-14'],
      [3, '2026-07-14'],
      [3, '2026-07-14'],
    ]);
    expect(await entries(y)).toEqual([
      [1, '2026-07-31'],
      [1, '2026-07-31'],
    ]);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('a payment run while an uprating is being applied (PostgreSQL)', () => {
  it('is refused with 409 UPRATING_IN_PROGRESS and records nothing', async () => {
    const before = await runsOfCouncil();
    await t.database.db.transaction().execute(async (tx) => {
      // What applyUpratingRun holds for its whole transaction.
      await sql`select pg_advisory_xact_lock(hashtextextended(${`uprating-apply:${council.id}`}, 0))`.execute(tx);
      const refused = await createRun({ runDate: '2026-08-03', holdBudgetIds: [budgets.d] });
      expect(problemOf(refused).code).toBe('UPRATING_IN_PROGRESS');
    });
    expect(await runsOfCouncil()).toBe(before);
  });
});
