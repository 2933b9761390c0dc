import type { AccountReturn } from '../db/schema.js';
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
