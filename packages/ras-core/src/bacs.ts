import anyAscii from 'any-ascii';
import { addDays, assertCalendarDate, type CalendarDate } from './dates.js';
import { fail } from './errors.js';
import { assertPence, checkedPence, type Pence } from './money.js';

// Bacs Standard 18, as Bacs's service user guide (PN5011) lays it out and the banks' guides repeat
// it (HSBC "Message Implementation Guide BACS Standard 18"): 80-character labels around
// 100-character data records, positions given 1-based below as the layout gives them.

/** The council's side of a Bacs file: who sends the money and from which account. */
export interface BacsOriginator {
  /** The six-digit Bacs service user number (SUN). */
  readonly serviceUserNumber: string;
  /** Up to 18 characters, shown on the payee's statement with the reference. */
  readonly name: string;
  readonly sortCode: string;
  readonly accountNumber: string;
  /**
   * The name of the council's own nominated account (18 characters), as the contra record's last
   * field carries it; `name` when not given.
   */
  readonly accountName?: string;
}

/** One credit in a Bacs file. */
export interface BacsCredit {
  readonly sortCode: string;
  readonly accountNumber: string;
  /** The account holder's name (first 18 characters are used). */
  readonly name: string;
  /** The reference the payee sees on their statement (first 18 characters). */
  readonly reference: string;
  readonly amountPence: Pence;
}

/** The labels of a whole Bacs submission (VOL1, HDR1, HDR2 … EOF1, EOF2), for a file sent as a volume. */
export interface BacsVolume {
  /** Six letters or digits, not all zeros, unique among the council's submissions that day. */
  readonly serialNumber: string;
  /** The day the file was made: on or before the processing day. */
  readonly creationDate: CalendarDate;
}

export interface BacsFileOptions {
  /** Write the volume and file labels too (VOL1, HDR1, HDR2, then EOF1, EOF2 before UTL1). */
  readonly volume?: BacsVolume;
  /** The contra's narrative (positions 47–64), on the council's own statement; the originator's name when not given. */
  readonly contraNarrative?: string;
}

/** The characters Bacs accepts in a text field: capitals, digits, space, full stop, ampersand, slash and hyphen. */
const NOT_BACS = /[^A-Z0-9 .&/-]/g;

/**
 * A name or reference in the Bacs character set: transliterated to plain letters first (any-ascii:
 * Llŷr → Llyr, Siân → Sian, Ørsted → Orsted, Straße → Strasse), upper-cased, anything left outside
 * the set a space; cut or padded to `width`.
 *
 * @example
 * ```ts
 * bacsText('Cyngor Môn & Ynys', 18); // 'CYNGOR MON & YNYS '
 * ```
 */
export function bacsText(value: string, width: number): string {
  return anyAscii(value).toUpperCase().replace(NOT_BACS, ' ').slice(0, width).padEnd(width, ' ');
}

function digits(value: string, width: number, pointer: string): string {
  const plain = value.replace(/[\s-]/g, '');
  if (!new RegExp(`^\\d{${width}}$`).test(plain)) fail('INVALID_BANK_DETAILS', pointer, `must be ${width} digits`);
  return plain;
}

/** Days since the year began, 001–366, as Bacs writes dates: a space, then YYDDD. */
function bacsDate(date: CalendarDate): string {
  const [year, month, day] = [+date.slice(0, 4), +date.slice(5, 7), +date.slice(8, 10)];
  const ordinal = (Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / 86_400_000 + 1;
  return ` ${date.slice(2, 4)}${String(ordinal).padStart(3, '0')}`;
}

/** The largest amount an 11-digit field holds: £999,999,999.99. */
const MAX_RECORD_PENCE = 99_999_999_999;

/**
 * England and Wales bank holidays, on which Bacs does not process (gov.uk/bank-holidays,
 * "england-and-wales"), 2025 to 2028. 2028's are the standing rules' days until gov.uk publishes
 * them. A one-off holiday (a state funeral, a coronation) is added by the council
 * (settings.paymentFile.nonProcessingDays) until this list carries it.
 */
export const ENGLAND_AND_WALES_BANK_HOLIDAYS: readonly CalendarDate[] = [
  '2025-01-01',
  '2025-04-18',
  '2025-04-21',
  '2025-05-05',
  '2025-05-26',
  '2025-08-25',
  '2025-12-25',
  '2025-12-26',
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
  '2027-01-01',
  '2027-03-26',
  '2027-03-29',
  '2027-05-03',
  '2027-05-31',
  '2027-08-30',
  '2027-12-27',
  '2027-12-28',
  '2028-01-03',
  '2028-04-14',
  '2028-04-17',
  '2028-05-01',
  '2028-05-29',
  '2028-08-28',
  '2028-12-25',
  '2028-12-26',
];

/** Monday 1 … Sunday 7. */
function isoWeekday(date: CalendarDate): number {
  const day = new Date(Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10))).getUTCDay();
  return day === 0 ? 7 : day;
}

/**
 * The Bacs processing day for a payment wanted on `date`: that day when it is a Bacs working day
 * (Monday to Friday, not a bank holiday), else the next one; never before the day after the file
 * is made (`madeOn`), as Bacs processes a file the day after it is sent at the earliest.
 *
 * @param date - the day the run is for
 * @param nonProcessingDays - the bank holidays, and any other day Bacs does not process
 * @param madeOn - the day the file is made (today)
 * @returns the day to put in the file's UHL1 label
 * @example
 * ```ts
 * bacsProcessingDay('2026-12-25'); // '2026-12-29' (Christmas, then the Boxing Day substitute)
 * ```
 */
export function bacsProcessingDay(
  date: CalendarDate,
  nonProcessingDays: readonly CalendarDate[] = ENGLAND_AND_WALES_BANK_HOLIDAYS,
  madeOn?: CalendarDate,
): CalendarDate {
  assertCalendarDate(date, '/date');
  const closed = new Set(nonProcessingDays);
  // A file made today is processed tomorrow at the earliest: a date already reached moves on.
  const earliest = madeOn === undefined ? date : addDays(assertCalendarDate(madeOn, '/madeOn'), 1);
  let day = date > earliest ? date : earliest;
  while (isoWeekday(day) > 5 || closed.has(day)) day = addDays(day, 1);
  return day;
}

/**
 * A Bacs Standard 18 file: the user header label (UHL1), one 100-character credit record
 * (transaction code 99) per credit, one contra record (code 17) debiting the council's account with
 * the total, and the user trailer label (UTL1) with the values and counts; with `volume`, the whole
 * labelled submission (VOL1, HDR1, HDR2, UHL1 … EOF1, EOF2, UTL1). Records end CRLF. Text is in the
 * Bacs character set ({@link bacsText}); amounts are pence, eleven digits, zero-filled.
 *
 * Data record: 1–6 destination sort code, 7–14 account, 15 account type `0`, 16–17 transaction
 * code, 18–23 and 24–31 the council's sort code and account, 32–35 free format (spaces), 36–46
 * amount, 47–64 the council's name, 65–82 the reference, 83–100 the payee's name. The contra
 * carries the council's own account on both sides, the narrative at 47–64, `CONTRA` at 65–82 and
 * the name of the council's account at 83–100.
 *
 * @param originator - the council's service user number, name and account
 * @param credits - at least one, each of more than 0
 * @param processingDate - the Bacs processing day ({@link bacsProcessingDay})
 * @param options - the volume labels, the contra's narrative
 * @returns the file's text
 * @throws RasError `NOTHING_TO_PAY` with no credits (Bacs rejects a file with nothing to pay),
 *   `INVALID_MONEY` for a credit of 0 or a total past eleven digits, `INVALID_BANK_DETAILS` for a
 *   sort code or account number that is not 6 or 8 digits
 * @example
 * ```ts
 * bacsStandard18(
 *   { serviceUserNumber: '123456', name: 'Demo Borough', sortCode: '400000', accountNumber: '12345678' },
 *   [{ sortCode: '20-00-00', accountNumber: '87654321', name: 'A Person', reference: 'DP 1', amountPence: 12_345 }],
 *   '2026-11-30',
 * ).split('\r\n')[1].slice(35, 46); // '00000012345'
 * ```
 */
export function bacsStandard18(
  originator: BacsOriginator,
  credits: readonly BacsCredit[],
  processingDate: CalendarDate,
  options: BacsFileOptions = {},
): string {
  assertCalendarDate(processingDate, '/processingDate');
  if (credits.length === 0)
    fail('NOTHING_TO_PAY', '/credits', 'a Bacs file needs at least one credit: Bacs rejects a file with nothing to pay');
  const sun = digits(originator.serviceUserNumber, 6, '/originator/serviceUserNumber');
  const fromSort = digits(originator.sortCode, 6, '/originator/sortCode');
  const fromAccount = digits(originator.accountNumber, 8, '/originator/accountNumber');
  const from = bacsText(originator.name, 18);
  const amount = (pence: number, width: number) => String(pence).padStart(width, '0');
  let total = 0;
  const records = credits.map((credit, index) => {
    assertPence(credit.amountPence, `/credits/${index}/amountPence`);
    if (credit.amountPence === 0)
      fail('INVALID_MONEY', `/credits/${index}/amountPence`, 'must be more than 0: Bacs refuses a credit of nothing');
    total = checkedPence(total + credit.amountPence, '/totalPence');
    return [
      digits(credit.sortCode, 6, `/credits/${index}/sortCode`),
      digits(credit.accountNumber, 8, `/credits/${index}/accountNumber`),
      '0',
      '99',
      fromSort,
      fromAccount,
      '    ',
      amount(credit.amountPence, 11),
      from,
      bacsText(credit.reference, 18),
      bacsText(credit.name, 18),
    ].join('');
  });
  if (total > MAX_RECORD_PENCE)
    fail('INVALID_MONEY', '/credits', 'the total is more than one contra record holds (£999,999,999.99): split the run');
  const contra = [
    fromSort,
    fromAccount,
    '0',
    '17',
    fromSort,
    fromAccount,
    '    ',
    amount(total, 11),
    bacsText(options.contraNarrative ?? originator.name, 18),
    bacsText('CONTRA', 18),
    bacsText(originator.accountName ?? originator.name, 18),
  ].join('');
  const processing = bacsDate(processingDate);
  // 5–10 processing day, 11–16 receiving party (999999), 17–20 blank, 21–22 currency (00),
  // 23–28 country (000000), 29–37 work code, 38–40 file number.
  const uhl1 = ['UHL1', processing, '999999', '    ', '00', '000000', '1 DAILY  ', '001'].join('').padEnd(80, ' ');
  // 5–17 debit total (the contra), 18–30 credit total, 31–37 debit count, 38–44 credit count,
  // 45–52 blank, 53–59 Direct Debit instructions (none).
  const utl1 = ['UTL1', amount(total, 13), amount(total, 13), amount(1, 7), amount(credits.length, 7), ' '.repeat(8), amount(0, 7)]
    .join('')
    .padEnd(80, ' ');
  const volume = options.volume ? volumeLabels(options.volume, sun, processingDate) : undefined;
  const lines = volume
    ? [volume.vol1, volume.hdr1, volume.hdr2, uhl1, ...records, contra, volume.eof1, volume.eof2, utl1]
    : [uhl1, ...records, contra, utl1];
  return `${lines.join('\r\n')}\r\n`;
}

/** VOL1, HDR1 and HDR2, and the EOF1 and EOF2 that repeat the header labels at the end. */
function volumeLabels(volume: BacsVolume, sun: string, processingDate: CalendarDate) {
  const serial = volume.serialNumber.toUpperCase();
  if (!/^[A-Z0-9]{6}$/.test(serial) || /^0+$/.test(serial))
    fail('INVALID_NUMBER', '/volume/serialNumber', 'must be six letters or digits, not all zeros');
  assertCalendarDate(volume.creationDate, '/volume/creationDate');
  if (volume.creationDate > processingDate) fail('INVALID_DATE', '/volume/creationDate', 'must be on or before the processing day');
  // 5–10 serial, 11 accessibility (space), 12–41 blank, 42–47 SUN, 48–79 blank, 80 label standard 1.
  const vol1 = `VOL1${serial} ${' '.repeat(30)}${sun}${' '.repeat(32)}1`;
  // 5 'A', 6–11 SUN, 12 'S', 13–14 blank, 15 '1' (one file), 16–21 SUN, 22–27 set (the serial),
  // 28–31 section 0001, 32–35 sequence 0001, 36–41 generation and version (blank), 42–47 created,
  // 48–53 expires (the day after processing), 54 accessibility, 55–60 block count 000000.
  const fileLabel = [
    `A${sun}S`,
    '  ',
    '1',
    sun,
    serial,
    '0001',
    '0001',
    '      ',
    bacsDate(volume.creationDate),
    bacsDate(addDays(processingDate, 1)),
    ' ',
    '000000',
  ]
    .join('')
    .padEnd(76, ' ');
  // 5 record format F, 6–10 block length 02000, 11–15 record length 00100, 51–52 buffer offset 00.
  const formatLabel = `F0200000100${' '.repeat(35)}00`.padEnd(76, ' ');
  return {
    vol1,
    hdr1: `HDR1${fileLabel}`,
    hdr2: `HDR2${formatLabel}`,
    eof1: `EOF1${fileLabel}`,
    eof2: `EOF2${formatLabel}`,
  };
}
