import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../src/clock.js';
import { directPaymentAgreement, type SetUpCouncil, setUpCouncil } from './helpers/council-setup.js';
import { agreedBudget, PLAN } from './helpers/plan.js';
import { createTestApp, problemOf, type TestApp } from './helpers/test-app.js';

// Payment files as a council's payments team checks them against the Bacs Standard 18 layout.
// Today is 20 December 2026 and the run is for Christmas Day: 25 December is a bank holiday, 26
// and 27 the weekend, 28 the Boxing Day substitute, and the council has added 29 December (a
// one-off closure), so Bacs processes on Wednesday 30 December, day 364 of the year.
// Every budget is £6,250.00 a year from 1 May 2026, paid monthly: instalments 1–4 £520.84, 5–12
// £520.83, so by 25 December instalments 1–8 are owed: 4 × 52,084 + 4 × 52,083 = 416,668 pence.
const OWED = 4 * 52_084 + 4 * 52_083;

const DIRECT_PLAN = { ...PLAN, lines: PLAN.lines.map((line) => ({ ...line, managedBy: 'direct-payment' })) };
const FUND_PLAN = {
  ...PLAN,
  lines: PLAN.lines.map((line) => ({ ...line, managedBy: 'individual-service-fund', provider: 'Kind Hands Cards' })),
};
const MANAGED_PLAN = {
  ...PLAN,
  lines: PLAN.lines.map((line) => ({ ...line, managedBy: 'council-arranged', provider: 'Brookside Day Centre' })),
};

let t: TestApp;
let council: SetUpCouncil;
let bank = '';
let card = '';
let runId = '';

const file = (id: string, query: string, key = council.keys.finance) => t.call('GET', `/v1/payment-runs/${id}/file?${query}`, { key });
const reference = (budgetId: string) => `PB ${budgetId.replaceAll('-', '').slice(-10).toUpperCase()} 2612`;

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock('2026-12-20') });
  council = await setUpCouncil(t, {
    paymentFile: {
      serviceUserNumber: '654321',
      originatorName: 'Cyngor Môn',
      accountName: 'Cronfa Cyngor Môn',
      sortCode: '40-00-00',
      accountNumber: '10000001',
      nonProcessingDays: ['2026-12-29'],
    },
  });
  bank = (await agreedBudget(t, council, { plan: DIRECT_PLAN, directPaymentAgreement: false })).budgetId;
  await directPaymentAgreement(t, council, bank, {
    holder: { type: 'person', name: 'Siân Llŷr' },
    account: { type: 'bank', reference: '20-00-00 12345678' },
  });
  card = (await agreedBudget(t, council, { plan: DIRECT_PLAN, directPaymentAgreement: false })).budgetId;
  await directPaymentAgreement(t, council, card, {
    holder: { type: 'person', name: 'Gwyn ap Rhys' },
    account: { type: 'prepaid-card', reference: 'CARD-0042' },
  });
  const created = await t.call('POST', '/v1/payment-runs', { key: council.keys.finance, body: { runDate: '2026-12-25' } });
  expect(created.statusCode, created.body).toBe(201);
  runId = created.json().id;
  const confirmed = await t.call('POST', `/v1/payment-runs/${runId}/confirm`, { key: council.keys.finance });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  expect(confirmed.json().paid).toEqual({ payments: 16, amountPence: 2 * OWED });
});
afterAll(() => t.close());

describe('the Bacs file, against the Standard 18 layout', () => {
  it('pays the bank payee only, one credit per budget with its reference, on the next Bacs working day, in the Bacs character set', async () => {
    const answer = await file(runId, 'format=bacs');
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.headers['bacs-processing-day']).toBe('2026-12-30');
    const records = answer.body.split('\r\n').slice(0, -1);
    expect(records.map((record) => record.length)).toEqual([80, 100, 100, 80]);
    const [uhl1, credit, contra, utl1] = records as [string, string, string, string];
    // UHL1: processing day 5–10, receiving party 11–16, currency 21–22, country 23–28, work code 29–37, file 38–40.
    expect(uhl1.slice(0, 4)).toBe('UHL1');
    expect(uhl1.slice(4, 10)).toBe(' 26364');
    expect(uhl1.slice(10, 16)).toBe('999999');
    expect(uhl1.slice(16, 20)).toBe('    ');
    expect(uhl1.slice(20, 22)).toBe('00');
    expect(uhl1.slice(22, 28)).toBe('000000');
    expect(uhl1.slice(28, 37)).toBe('1 DAILY  ');
    expect(uhl1.slice(37, 40)).toBe('001');
    expect(uhl1.slice(40).trim()).toBe('');
    // The credit, field by field (1-based positions as the layout gives them).
    const fields = (record: string) => ({
      destinationSortCode: record.slice(0, 6), // 1–6
      destinationAccount: record.slice(6, 14), // 7–14
      accountType: record.slice(14, 15), // 15
      transactionCode: record.slice(15, 17), // 16–17
      originatingSortCode: record.slice(17, 23), // 18–23
      originatingAccount: record.slice(23, 31), // 24–31
      freeFormat: record.slice(31, 35), // 32–35
      amount: record.slice(35, 46), // 36–46
      serviceUserName: record.slice(46, 64), // 47–64
      reference: record.slice(64, 82), // 65–82
      accountName: record.slice(82, 100), // 83–100
    });
    expect(fields(credit)).toEqual({
      destinationSortCode: '200000',
      destinationAccount: '12345678',
      accountType: '0',
      transactionCode: '99',
      originatingSortCode: '400000',
      originatingAccount: '10000001',
      freeFormat: '    ',
      amount: String(OWED).padStart(11, '0'),
      serviceUserName: 'CYNGOR MON        ',
      reference: reference(bank),
      accountName: 'SIAN LLYR         ',
    });
    expect(fields(contra)).toEqual({
      destinationSortCode: '400000',
      destinationAccount: '10000001',
      accountType: '0',
      transactionCode: '17',
      originatingSortCode: '400000',
      originatingAccount: '10000001',
      freeFormat: '    ',
      amount: String(OWED).padStart(11, '0'),
      serviceUserName: 'RAS RUN 2026-12-25',
      reference: 'CONTRA            ',
      accountName: 'CRONFA CYNGOR MON ',
    });
    // UTL1: debit total (the contra), credit total, debit count, credit count, 45–52 blank, 53–59 instructions.
    expect(utl1.slice(4, 17)).toBe(String(OWED).padStart(13, '0'));
    expect(utl1.slice(17, 30)).toBe(String(OWED).padStart(13, '0'));
    expect(utl1.slice(30, 37)).toBe('0000001');
    expect(utl1.slice(37, 44)).toBe('0000001');
    expect(utl1.slice(44, 52)).toBe('        ');
    expect(utl1.slice(52, 59)).toBe('0000000');
  });

  it('writes the whole labelled submission on request', async () => {
    const answer = await file(runId, 'format=bacs&labels=full');
    expect(answer.statusCode, answer.body).toBe(200);
    const records = answer.body.split('\r\n').slice(0, -1);
    expect(records.map((record) => record.slice(0, 4))).toEqual(['VOL1', 'HDR1', 'HDR2', 'UHL1', '2000', '4000', 'EOF1', 'EOF2', 'UTL1']);
    const serial = runId.replaceAll('-', '').slice(-6).toUpperCase();
    const [vol1, hdr1, hdr2] = records as [string, string, string];
    expect(vol1.slice(4, 10)).toBe(serial);
    expect(vol1.slice(41, 47)).toBe('654321');
    expect(vol1[79]).toBe('1');
    expect(hdr1.slice(4, 12)).toBe('A654321S');
    expect(hdr1.slice(21, 27)).toBe(serial);
    // Made today, 20 December (day 354); expires the day after processing, 31 December (day 365).
    expect(hdr1.slice(41, 47)).toBe(' 26354');
    expect(hdr1.slice(47, 53)).toBe(' 26365');
    expect(hdr2.slice(4, 15)).toBe('F0200000100');
    expect(records[6]).toBe(`EOF1${hdr1.slice(4)}`);
    expect(records[7]).toBe(`EOF2${hdr2.slice(4)}`);
  });
});

describe('a run that pays by bank and by prepaid card', () => {
  it('gives a card-load file for the card payee, and the two files together pay what the ledger recorded', async () => {
    const answer = await file(runId, 'format=card-load');
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/csv/);
    const rows = answer.body
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(rows).toEqual([
      ['record', 'card_reference', 'payee_name', 'budget_id', 'payment_reference', 'count', 'amount_pence'],
      ['load', 'CARD-0042', 'Gwyn ap Rhys', card, reference(card), '8', String(OWED)],
      ['control', '', '', '', '', '8', String(OWED)],
    ]);
  });
});

describe('a run with nothing to pay out', () => {
  it('has no Bacs or card-load file (409 NOTHING_TO_PAY), though its CSV lists what it recorded', async () => {
    const other = await setUpCouncil(t, {
      paymentFile: { serviceUserNumber: '111111', originatorName: 'Other', sortCode: '40-00-00', accountNumber: '10000001' },
    });
    await agreedBudget(t, other, { plan: MANAGED_PLAN });
    const created = await t.call('POST', '/v1/payment-runs', { key: other.keys.finance, body: { runDate: '2026-12-24' } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect((await t.call('POST', `/v1/payment-runs/${id}/confirm`, { key: other.keys.finance })).statusCode).toBe(200);
    for (const format of ['bacs', 'card-load']) {
      const refused = await file(id, `format=${format}`, other.keys.finance);
      expect(refused.statusCode).toBe(409);
      expect(problemOf(refused).code).toBe('NOTHING_TO_PAY');
    }
    const csv = await file(id, 'format=csv', other.keys.finance);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('commissioned');
  });
});

describe('an individual service fund whose provider is paid by card', () => {
  it('loads the provider’s card in the card-load file, and leaves it out of the Bacs file', async () => {
    const other = await setUpCouncil(t, {
      paymentFile: { serviceUserNumber: '222222', originatorName: 'Other', sortCode: '40-00-00', accountNumber: '10000001' },
    });
    const provider = await t.call('POST', '/v1/providers', {
      key: other.keys.finance,
      body: { name: 'Kind Hands Cards', account: { type: 'prepaid-card', reference: 'CARD-0099' } },
    });
    expect(provider.statusCode, provider.body).toBe(201);
    const fund = (await agreedBudget(t, other, { plan: FUND_PLAN })).budgetId;
    const holder = (await agreedBudget(t, other, { plan: DIRECT_PLAN, directPaymentAgreement: false })).budgetId;
    await directPaymentAgreement(t, other, holder, { account: { type: 'bank', reference: '20-00-00 12345678' } });
    const created = await t.call('POST', '/v1/payment-runs', { key: other.keys.finance, body: { runDate: '2026-12-24' } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect((await t.call('POST', `/v1/payment-runs/${id}/confirm`, { key: other.keys.finance })).statusCode).toBe(200);
    const loads = (await file(id, 'format=card-load', other.keys.finance)).body.trimEnd().split('\r\n');
    expect(loads[1]?.split(',').slice(0, 4)).toEqual(['load', 'CARD-0099', 'Kind Hands Cards', fund]);
    const bacs = await file(id, 'format=bacs', other.keys.finance);
    expect(bacs.statusCode, bacs.body).toBe(200);
    const credits = bacs.body.split('\r\n').filter((record) => record.slice(15, 17) === '99');
    expect(credits.map((record) => record.slice(64, 82))).toEqual([reference(holder)]);
  });
});
