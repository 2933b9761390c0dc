import type { AccountReturn, AuditSample, AuditSampleItem, DirectPaymentAgreement } from '../db/schema.js';
import { iso } from '../http/iso.js';

export function toReturn(row: AccountReturn) {
  return {
    id: row.id,
    agreementId: row.agreement_id,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    statement: row.statement,
    matches: row.matches,
    ledger: row.check_result.ledger,
    checks: row.check_result.checks,
    explanation: row.check_result.explanation,
    createdAt: iso(row.created_at),
  };
}

/** A direct payment agreement as the API shows it, with the holder's returns. */
export function toAgreement(row: DirectPaymentAgreement, returns: readonly AccountReturn[]) {
  return {
    id: row.id,
    budgetId: row.budget_id,
    personId: row.person_id,
    managementOption: row.management_option,
    status: row.status,
    terms: { version: row.terms_version, text: row.terms_text },
    holder: { type: row.holder_type, name: row.holder_name },
    account: { type: row.account_type, reference: row.account_reference },
    acceptedOn: row.accepted_on,
    acceptedBy: row.accepted_by,
    returns: returns.map(toReturn),
    version: row.version,
    createdAt: iso(row.created_at),
  };
}

/** A period's audit sample as the API shows it, with each account drawn and what was decided. */
export function toAuditSample(sample: AuditSample, items: readonly AuditSampleItem[]) {
  return {
    id: sample.id,
    periodFrom: sample.period_from,
    periodTo: sample.period_to,
    rule: { percent: sample.rule.percent, seed: sample.rule.seed, riskWeeks: sample.rule.riskWeeks },
    accounts: items.map((item) => ({
      agreementId: item.agreement_id,
      reasons: item.reasons,
      balancePence: item.balance_pence,
      thresholdPence: item.threshold_pence,
      outcome: item.outcome,
      notes: item.notes,
      recoveryPence: item.recovery_pence,
      recoveryTransactionId: item.recovery_transaction_id,
      debtOwedPence: item.debt_pence,
      decidedAt: item.decided_at === null ? null : iso(item.decided_at),
    })),
    explanation: sample.explanation,
    createdAt: iso(sample.created_at),
  };
}
