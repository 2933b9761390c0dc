import type { RunItemCounts, SkippedReason } from '../db/rows.js';
import type { PaymentRun } from '../db/schema.js';
import { iso } from '../http/iso.js';

/** A run's headline: the event payload, and the start of the resource. */
export function paymentRunEvent(run: PaymentRun) {
  return {
    id: run.id,
    runDate: run.run_date,
    status: run.status,
    payments: run.payments,
    payees: run.payees,
    totalPence: run.total_pence,
  };
}

/** The PaymentRun resource: the run as prepared, and its items counted by payee kind and status. */
export function toPaymentRun(run: PaymentRun, counts: RunItemCounts, skipped: readonly SkippedReason[] = []) {
  return {
    ...paymentRunEvent(run),
    byPayeeKind: {
      directPayment: counts['direct-payment'],
      indirectPayment: counts['indirect-payment'],
      trust: counts.trust,
      individualServiceFund: counts['individual-service-fund'],
      commissioned: counts.commissioned,
      managedAccount: counts['managed-account'],
    },
    held: { erased: 0, ...run.held },
    paid: counts.paid,
    skipped: counts.skipped,
    skippedReasons: skipped.map((group) => ({ reason: group.reason, payments: group.payments, amountPence: group.amount_pence })),
    pending: counts.pending,
    files: {
      csv: `/v1/payment-runs/${run.id}/file?format=csv`,
      bacs: `/v1/payment-runs/${run.id}/file?format=bacs`,
      cardLoad: `/v1/payment-runs/${run.id}/file?format=card-load`,
    },
    createdBy: run.created_by,
    createdAt: iso(run.created_at),
    confirmedBy: run.confirmed_by,
    confirmedAt: run.confirmed_at === null ? null : iso(run.confirmed_at),
    cancelledAt: run.cancelled_at === null ? null : iso(run.cancelled_at),
    version: run.version,
  };
}
