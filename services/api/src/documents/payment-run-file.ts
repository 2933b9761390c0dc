import { type BacsCredit, totalPaymentRun } from 'ras-core';
import type { FileItem } from '../db/rows.js';
import type { PaymentRun, PaymentRunItem } from '../db/schema.js';
import { paymentReferenceOf } from '../ids.js';
import { csvField } from './summary-report.js';

/**
 * The payment run's CSV for the finance system. One row per instalment share (`record` = payment),
 * each payee's rows followed by its total (`payee-total`: `count` instalments, `amount_pence`
 * their sum); then each share the run skipped at confirmation (`record` = skipped, with
 * `skipped_reason`), which the totals leave out; and a last `control` row with the run's control
 * count and total. `payment_reference` is what the payee sees on their statement. Money is
 * integer pence; dates are YYYY-MM-DD.
 */
export const PAYMENT_RUN_CSV_COLUMNS = [
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
] as const;

/** Payments with the same key go to one payee as one amount. */
export const payeeKey = (item: { payee_kind: string; payee_reference: string }) => `${item.payee_kind}:${item.payee_reference}`;

/** Items grouped by `keyOf` in the order given (each group with its first item and the rest), with ras-core's totals. */
function grouped<Item extends PaymentRunItem>(items: readonly Item[], keyOf: (item: Item) => string) {
  const totals = totalPaymentRun(items.map((item) => ({ payeeKey: keyOf(item), amountPence: item.amount_pence })));
  const groups = new Map<string, [Item, ...Item[]]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const payees = totals.payees.flatMap((payee) => {
    const group = groups.get(payee.payeeKey);
    return group ? [{ payee, group }] : [];
  });
  return { totals, payees };
}

/** The run as CSV ({@link PAYMENT_RUN_CSV_COLUMNS}), from its items in payee order. */
export function paymentRunCsv(run: PaymentRun, items: readonly PaymentRunItem[]): string {
  const { totals, payees } = grouped(
    items.filter((item) => item.status !== 'skipped'),
    payeeKey,
  );
  const row = (values: readonly unknown[]) => values.map(csvField).join(',');
  const itemRow = (record: string, item: PaymentRunItem) =>
    row([
      record,
      run.id,
      run.run_date,
      item.payee_kind,
      item.payee_reference,
      item.payee_name,
      item.budget_id,
      item.person_id,
      item.instalment_number,
      item.due_date,
      1,
      item.amount_pence,
      paymentReferenceOf(item.budget_id, run.run_date),
      item.skipped_reason ?? '',
    ]);
  const lines = [PAYMENT_RUN_CSV_COLUMNS.join(',')];
  for (const { payee, group } of payees) {
    const [first] = group;
    for (const item of group) lines.push(itemRow('payment', item));
    lines.push(
      row([
        'payee-total',
        run.id,
        run.run_date,
        first.payee_kind,
        first.payee_reference,
        first.payee_name,
        '',
        '',
        '',
        '',
        payee.payments,
        payee.amountPence,
        '',
        '',
      ]),
    );
  }
  for (const item of items) if (item.status === 'skipped') lines.push(itemRow('skipped', item));
  lines.push(row(['control', run.id, run.run_date, '', '', '', '', '', '', '', totals.payments, totals.totalPence, '', '']));
  return `${lines.join('\r\n')}\r\n`;
}

/** A UK sort code and account number written as an account reference: 12-34-56 12345678. */
const BANK_ACCOUNT = /^(\d{2})-?(\d{2})-?(\d{2})[ -]?(\d{8})$/;

/** The payees the money leaves the council for: holders and individual service fund providers. */
const PAID_OUT: ReadonlySet<PaymentRunItem['payee_kind']> = new Set([
  'direct-payment',
  'indirect-payment',
  'trust',
  'individual-service-fund',
]);

/** The shares a run pays out, that were not skipped, paid by `method` (bank where no account says otherwise). */
function paidOut(items: readonly FileItem[], method: 'bank' | 'prepaid-card'): FileItem[] {
  return items.filter((item) => item.status !== 'skipped' && PAID_OUT.has(item.payee_kind) && (item.account_type ?? 'bank') === method);
}

/** One credit per payee and budget, so each carries the reference of the budget it is for. */
const creditKey = (item: PaymentRunItem) => `${payeeKey(item)}:${item.budget_id}`;

/**
 * The Bacs credits of a run: one per payee and budget the money leaves the council for by bank
 * (holders paid into a bank account, individual service fund providers), each with the budget's
 * payment reference; prepaid cards are loaded from the card-load file, and commissioned spend
 * (the council pays its providers' invoices) and its own managed account are in the CSV only.
 * Also the bank payee references that are not a sort code and account number.
 */
export function bacsCredits(run: PaymentRun, items: readonly FileItem[]): { credits: BacsCredit[]; unreadable: string[] } {
  const { payees } = grouped(paidOut(items, 'bank'), creditKey);
  const credits: BacsCredit[] = [];
  const unreadable = new Set<string>();
  for (const {
    payee,
    group: [first],
  } of payees) {
    const match = BANK_ACCOUNT.exec(first.payee_reference.trim());
    if (!match) {
      unreadable.add(first.payee_reference);
      continue;
    }
    credits.push({
      sortCode: `${match[1]}${match[2]}${match[3]}`,
      accountNumber: match[4] ?? '',
      name: first.payee_name,
      reference: paymentReferenceOf(first.budget_id, run.run_date),
      amountPence: payee.amountPence,
    });
  }
  return { credits, unreadable: [...unreadable] };
}

export const CARD_LOAD_CSV_COLUMNS = [
  'record',
  'card_reference',
  'payee_name',
  'budget_id',
  'payment_reference',
  'count',
  'amount_pence',
] as const;

/**
 * The loads onto prepaid cards a run pays, for the card provider: one `load` row per card and
 * budget, then a `control` row with the count and total; `null` when the run pays no card.
 */
export function cardLoadCsv(run: PaymentRun, items: readonly FileItem[]): string | null {
  const { totals, payees } = grouped(paidOut(items, 'prepaid-card'), creditKey);
  if (payees.length === 0) return null;
  const row = (values: readonly unknown[]) => values.map(csvField).join(',');
  const lines = [CARD_LOAD_CSV_COLUMNS.join(',')];
  for (const {
    payee,
    group: [first],
  } of payees)
    lines.push(
      row([
        'load',
        first.payee_reference,
        first.payee_name,
        first.budget_id,
        paymentReferenceOf(first.budget_id, run.run_date),
        payee.payments,
        payee.amountPence,
      ]),
    );
  lines.push(row(['control', '', '', '', '', totals.payments, totals.totalPence]));
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The six-character serial of a run's Bacs submission (VOL1): the last six characters of the
 * run's id, its random part, so two runs' files are told apart; never all zeros, which Bacs refuses.
 */
export function volumeSerialOf(runId: string): string {
  const serial = runId.replaceAll('-', '').slice(-6).toUpperCase();
  return /^0+$/.test(serial) ? 'RAS001' : serial;
}
