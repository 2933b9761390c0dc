import type { InterimBudget, InterimPayment } from '../db/schema.js';
import { iso } from '../http/iso.js';

/** What audit records and events say about interim support. */
export function interimEvent(row: InterimBudget) {
  return {
    id: row.id,
    personId: row.person_id,
    status: row.status,
    startDate: row.start_date,
    endDate: row.end_date,
    totalPence: row.total_pence,
    version: row.version,
  };
}

/** Interim support as the API shows it, with the payments made from it (in the order paid). */
export function toInterimBudget(row: InterimBudget, payments: readonly InterimPayment[]) {
  return {
    id: row.id,
    personId: row.person_id,
    status: row.status,
    reason: row.reason,
    weeklyPence: row.weekly_pence,
    startDate: row.start_date,
    endDate: row.end_date,
    totalPence: row.total_pence,
    reviewOn: row.review_on,
    paidPence: payments.reduce((sum, payment) => sum + payment.amount_pence, 0),
    payments: payments.map((payment) => ({
      id: payment.id,
      amountPence: payment.amount_pence,
      paidOn: payment.paid_on,
      payeeReference: payment.payee_reference,
      carriedTransactionId: payment.carried_transaction_id,
    })),
    reviews: row.reviews,
    reconciliation: row.reconciliation,
    version: row.version,
    createdAt: iso(row.created_at),
  };
}
