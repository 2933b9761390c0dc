import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bacsProcessingDay,
  bacsStandard18,
  bacsText,
  ENGLAND_AND_WALES_BANK_HOLIDAYS,
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
    // The contra: the council's account both sides, code 17, the total, narrative, CONTRA, the account's name.
    expect(records[3]).toBe(
      [
        '400000',
        '10000001',
        '0',
        '17',
        '400000',
        '10000001',
        '    ',
        '00000074169',
        'TEST COUNCIL      ',
        'CONTRA            ',
        'TEST COUNCIL      ',
      ].join(''),
    );
    expect(records[4]).toBe(`UTL1${'0000000074169'}${'0000000074169'}00000010000002${' '.repeat(8)}0000000${' '.repeat(21)}`);
  });

  it('writes names in the Bacs character set, transliterating rather than blanking', () => {
    const file = bacsStandard18(
      { ...originator, name: 'Cyngor Môn', accountName: 'Cyngor Sir Ynys Môn' },
      [{ sortCode: '200000', accountNumber: '12345678', name: 'Siân Llŷr-Ørsted', reference: 'Taliad ŵyr', amountPence: 100 }],
      '2026-01-02',
      { contraNarrative: 'Rhediad Gorffennaf' },
    );
    const [, credit, contra] = file.split('\r\n');
    expect(credit?.slice(46)).toBe('CYNGOR MON        TALIAD WYR        SIAN LLYR-ORSTED  ');
    expect(contra?.slice(46)).toBe('RHEDIAD GORFFENNAFCONTRA            CYNGOR SIR YNYS MO');
    expect(bacsText('O’Brien & Søn, Ltd.', 18)).toBe('O BRIEN & SON  LTD');
  });

  it('writes the whole labelled submission on request: VOL1, HDR1, HDR2, UHL1 … EOF1, EOF2, UTL1, field by field', () => {
    const records = bacsStandard18(
      originator,
      [{ sortCode: '200000', accountNumber: '12345678', name: 'A', reference: 'B', amountPence: 250 }],
      '2026-12-29',
      { volume: { serialNumber: 'a1b2c3', creationDate: '2026-12-24' } },
    )
      .split('\r\n')
      .slice(0, -1);
    expect(records.map((record) => record.slice(0, 4))).toEqual(['VOL1', 'HDR1', 'HDR2', 'UHL1', '2000', '4000', 'EOF1', 'EOF2', 'UTL1']);
    expect(records.filter((record) => record.length === 80)).toHaveLength(7);
    const [vol1, hdr1, hdr2, uhl1, , , eof1, eof2] = records as [string, string, string, string, string, string, string, string];
    // VOL1: serial 5–10, accessibility 11, SUN 42–47, label standard 80.
    expect([vol1.slice(4, 10), vol1.slice(10, 41).trim(), vol1.slice(41, 47), vol1.slice(47, 79).trim(), vol1[79]]).toEqual([
      'A1B2C3',
      '',
      '123456',
      '',
      '1',
    ]);
    // HDR1: A + SUN + S, 15 '1', 16–21 SUN, 22–27 set = serial, section and sequence 0001,
    // created 24 December (day 358), expires the day after processing (30 December, day 364), block count.
    expect(hdr1.slice(4, 12)).toBe('A123456S');
    expect(hdr1[14]).toBe('1');
    expect(hdr1.slice(15, 21)).toBe('123456');
    expect(hdr1.slice(21, 27)).toBe('A1B2C3');
    expect(hdr1.slice(27, 35)).toBe('00010001');
    expect(hdr1.slice(41, 47)).toBe(' 26358');
    expect(hdr1.slice(47, 53)).toBe(' 26364');
    expect(hdr1.slice(54, 60)).toBe('000000');
    // HDR2: fixed records, block 02000, record 00100, buffer offset 00 at 51–52.
    expect(hdr2.slice(4, 15)).toBe('F0200000100');
    expect(hdr2.slice(50, 52)).toBe('00');
    // UHL1: the processing day, 29 December (day 363).
    expect(uhl1.slice(4, 10)).toBe(' 26363');
    expect(eof1).toBe(`EOF1${hdr1.slice(4)}`);
    expect(eof2).toBe(`EOF2${hdr2.slice(4)}`);
  });

  it('refuses a file with nothing to pay, and a credit of nothing', () => {
    expect(() => bacsStandard18(originator, [], '2026-01-02')).toThrow(expect.objectContaining({ code: 'NOTHING_TO_PAY' }));
    expect(() =>
      bacsStandard18(
        originator,
        [{ sortCode: '200000', accountNumber: '12345678', name: 'A', reference: 'B', amountPence: 0 }],
        '2026-01-02',
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_MONEY' }));
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

describe('bacsProcessingDay', () => {
  it('moves a weekend or an England and Wales bank holiday to the next Bacs working day', () => {
    expect(bacsProcessingDay('2026-07-31')).toBe('2026-07-31'); // a Friday
    expect(bacsProcessingDay('2026-08-01')).toBe('2026-08-03'); // Saturday to Monday
    expect(bacsProcessingDay('2026-08-29')).toBe('2026-09-01'); // Saturday, and Monday 31 August is a bank holiday
    expect(bacsProcessingDay('2026-12-25')).toBe('2026-12-29'); // Christmas, the weekend, the Boxing Day substitute
    expect(bacsProcessingDay('2027-03-26')).toBe('2027-03-30'); // Good Friday to Easter Tuesday
  });

  it('is never before the day after the file is made', () => {
    expect(bacsProcessingDay('2026-07-31', ENGLAND_AND_WALES_BANK_HOLIDAYS, '2026-07-31')).toBe('2026-08-03'); // Friday's file: Monday
    expect(bacsProcessingDay('2026-07-01', ENGLAND_AND_WALES_BANK_HOLIDAYS, '2026-07-14')).toBe('2026-07-15'); // a run date gone by
    expect(bacsProcessingDay('2026-07-31', ENGLAND_AND_WALES_BANK_HOLIDAYS, '2026-07-15')).toBe('2026-07-31');
  });

  it('honours the days a council adds', () => {
    expect(bacsProcessingDay('2026-12-29', [...ENGLAND_AND_WALES_BANK_HOLIDAYS, '2026-12-29'])).toBe('2026-12-30');
  });
});

describe('latestRunDate', () => {
  it('is 35 days ahead, across a month and a year', () => {
    expect(latestRunDate('2026-11-26')).toBe('2026-12-31');
    expect(latestRunDate('2026-12-31')).toBe('2027-02-04');
  });
});
