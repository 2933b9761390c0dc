import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bacsStandard18,
  instalmentsOwing,
  type LedgerEntry,
  latestRunDate,
  RasError,
  type ScheduledPayment,
  summariseAccount,
  totalPaymentRun,
} from '../src/index.js';

const schedule: ScheduledPayment[] = [
  { funder: 'council', number: 1, dueDate: '2026-05-01', amountPence: 52_084 },
  { funder: 'council', number: 2, dueDate: '2026-06-01', amountPence: 52_084 },
  { funder: 'council', number: 3, dueDate: '2026-07-01', amountPence: 52_084 },
  { funder: 'council', number: 4, dueDate: '2026-08-01', amountPence: 52_084 },
  { funder: 'ilf', number: 1, dueDate: '2026-05-01', amountPence: 10_000 },
];
const payment = (id: string, amountPence: number, instalmentNumber: number | null = null, funder = 'council'): LedgerEntry => ({
  id,
  kind: 'council-payment',
  direction: 1,
  amountPence,
  funder,
  instalmentNumber,
});

describe('instalmentsOwing', () => {
  it('owes the council’s instalments due by the run date, less what paid them', () => {
    // #1 paid by name; £300.00 unnamed goes to the oldest with anything owing (#2).
    const owing = instalmentsOwing([payment('a', 52_084, 1), payment('b', 30_000)], schedule, '2026-07-31');
    expect(owing).toEqual([
      { number: 2, dueDate: '2026-06-01', owingPence: 22_084 },
      { number: 3, dueDate: '2026-07-01', owingPence: 52_084 },
    ]);
  });

  it('pays a named instalment first, even one not yet due, and counts reversed payments as nothing', () => {
    const entries: LedgerEntry[] = [
      payment('a', 52_084, 4),
      payment('b', 52_084, 1),
      { id: 'c', kind: 'reversal', direction: -1, amountPence: 52_084, funder: 'council', reversesId: 'b' },
    ];
    expect(instalmentsOwing(entries, schedule, '2026-06-15').map((i) => [i.number, i.owingPence])).toEqual([
      [1, 52_084],
      [2, 52_084],
    ]);
  });

  it('agrees with the account’s own schedule for any payments', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ amount: fc.integer({ min: 1, max: 80_000 }), named: fc.option(fc.integer({ min: 1, max: 4 })) }), {
          maxLength: 8,
        }),
        fc.constantFrom('2026-04-30', '2026-05-01', '2026-06-30', '2026-12-31'),
        (payments, runDate) => {
          const entries = payments.map((p, index) => payment(`p${index}`, p.amount, p.named));
          const account = summariseAccount(entries, schedule, runDate).schedule.filter((i) => i.funder === 'council');
          const expected = account
            .filter((i) => i.dueDate <= runDate && i.paidPence < i.amountPence)
            .map((i) => ({ number: i.number, dueDate: i.dueDate, owingPence: i.amountPence - i.paidPence }));
          expect(instalmentsOwing(entries, schedule, runDate)).toEqual(expected);
        },
      ),
    );
  });
});

describe('totalPaymentRun', () => {
  it('groups by payee in order of first appearance, to the penny', () => {
    expect(
      totalPaymentRun([
        { payeeKey: 'dp:1', amountPence: 22_084 },
        { payeeKey: 'managed', amountPence: 52_084 },
        { payeeKey: 'dp:1', amountPence: 52_084 },
      ]),
    ).toEqual({
      payments: 3,
      payees: [
        { payeeKey: 'dp:1', payments: 2, amountPence: 74_168 },
        { payeeKey: 'managed', payments: 1, amountPence: 52_084 },
      ],
      totalPence: 126_252,
    });
  });

  it('refuses an amount that is not whole pence', () => {
    expect(() => totalPaymentRun([{ payeeKey: 'a', amountPence: 1.5 }])).toThrow(RasError);
  });
});

describe('bacsStandard18', () => {
  const originator = { serviceUserNumber: '123456', name: 'Test Council', sortCode: '40-00-00', accountNumber: '10000001' };

  it('writes 100-character credit and contra records between 80-character labels, with the totals', () => {
    const file = bacsStandard18(
      originator,
      [
        { sortCode: '20-00-00', accountNumber: '12345678', name: 'Sam Patel', reference: 'Budget 2026-07', amountPence: 74_168 },
        { sortCode: '300000', accountNumber: '87654321', name: 'A trust with a very long name indeed', reference: 'x', amountPence: 1 },
      ],
      '2026-01-01',
    );
    const records = file.split('\r\n');
    expect(records.pop()).toBe('');
    expect(records.map((record) => record.length)).toEqual([80, 100, 100, 100, 80]);
    expect(records[0]?.slice(0, 10)).toBe('UHL1 26001');
    // Destination sort code and account, type 0, code 99, originator's account, 4 spaces, amount,
    // originator's name, reference, payee's name: 6 + 8 + 1 + 2 + 6 + 8 + 4 + 11 + 18 + 18 + 18.
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
        'BUDGET 2026-07    ',
        'SAM PATEL         ',
      ].join(''),
    );
    expect(records[2]?.slice(82)).toBe('A TRUST WITH A VER');
    expect(records[3]?.slice(15, 17)).toBe('17');
    expect(records[3]?.slice(35, 46)).toBe('00000074169');
    expect(records[4]).toBe(`UTL1${'0000000074169'}${'0000000074169'}00000010000002${' '.repeat(36)}`);
  });

  it('names a sort code or account number that is not 6 or 8 digits', () => {
    try {
      bacsStandard18(
        originator,
        [{ sortCode: '20-00', accountNumber: '12345678', name: 'A', reference: 'B', amountPence: 1 }],
        '2026-01-01',
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RasError);
      expect((error as RasError).code).toBe('INVALID_BANK_DETAILS');
      expect((error as RasError).problems).toEqual([{ pointer: '/credits/0/sortCode', detail: 'must be 6 digits' }]);
    }
  });
});

describe('latestRunDate', () => {
  it('is 35 days ahead, across a month and a year', () => {
    expect(latestRunDate('2026-11-26')).toBe('2026-12-31');
    expect(latestRunDate('2026-12-31')).toBe('2027-02-04');
  });
});
