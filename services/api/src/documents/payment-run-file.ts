import { type BacsCredit, totalPaymentRun } from 'ras-core';
import type { PaymentRun, PaymentRunItem } from '../db/schema.js';
import { csvField } from './summary-report.js';

/**
 * The payment run's CSV for the finance system. One row per instalment (`record` = payment),
 * each payee's rows followed by its total (`payee-total`: `count` instalments, `amount_pence`
 * their sum), and a last `control` row with the run's control count and total. Money is integer
 * pence; dates are YYYY-MM-DD.
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
] as const;

/** Payments with the same key go to one payee as one amount. */
export const payeeKey = (item: { payee_kind: string; payee_reference: string }) => `${item.payee_kind}:${item.payee_reference}`;

/** Items grouped by payee in the order given (each payee with its first item and the rest), with ras-core's totals. */
function byPayee(items: readonly PaymentRunItem[]) {
  const totals = totalPaymentRun(items.map((item) => ({ payeeKey: payeeKey(item), amountPence: item.amount_pence })));
  const groups = new Map<string, [PaymentRunItem, ...PaymentRunItem[]]>();
  for (const item of items) {
    const key = payeeKey(item);
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
  const { totals, payees } = byPayee(items);
  const row = (values: readonly unknown[]) => values.map(csvField).join(',');
  const lines = [PAYMENT_RUN_CSV_COLUMNS.join(',')];
  for (const { payee, group } of payees) {
    const [first] = group;
    for (const item of group)
      lines.push(
        row([
          'payment',
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
        ]),
      );
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
      ]),
    );
  }
  lines.push(row(['control', run.id, run.run_date, '', '', '', '', '', '', '', totals.payments, totals.totalPence]));
  return `${lines.join('\r\n')}\r\n`;
}

/** A UK sort code and account number written as an account reference: 12-34-56 12345678. */
const BANK_ACCOUNT = /^(\d{2})-?(\d{2})-?(\d{2})[ -]?(\d{8})$/;

/** The payees a Bacs file pays: the money that leaves the council for a holder or an ISF provider. */
const BACS_PAYEES: ReadonlySet<PaymentRunItem['payee_kind']> = new Set([
  'direct-payment',
  'indirect-payment',
  'trust',
  'individual-service-fund',
]);

/**
 * The Bacs credits of a run: one per payee the money leaves the council for (holders and
 * individual service fund providers; commissioned spend, which the council pays on its providers'
 * invoices, and its own managed account are in the CSV only), and the payee references that are
 * not a sort code and account number.
 */
export function bacsCredits(run: PaymentRun, items: readonly PaymentRunItem[]): { credits: BacsCredit[]; unreadable: string[] } {
  const { payees } = byPayee(items.filter((item) => BACS_PAYEES.has(item.payee_kind)));
  const credits: BacsCredit[] = [];
  const unreadable: string[] = [];
  for (const {
    payee,
    group: [first],
  } of payees) {
    const match = BANK_ACCOUNT.exec(first.payee_reference.trim());
    if (!match) {
      unreadable.push(first.payee_reference);
      continue;
    }
    credits.push({
      sortCode: `${match[1]}${match[2]}${match[3]}`,
      accountNumber: match[4] ?? '',
      name: first.payee_name,
      reference: `BUDGET ${run.run_date.slice(0, 7)}`,
      amountPence: payee.amountPence,
    });
  }
  return { credits, unreadable };
}
