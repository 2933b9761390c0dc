import type { FinancialAssessment } from '../db/schema.js';
import { iso } from '../http/iso.js';

/** A financial assessment as the API shows it. */
export function toFinancialAssessment(row: FinancialAssessment) {
  return {
    id: row.id,
    personId: row.person_id,
    effectiveFrom: row.effective_from,
    method: row.method,
    weeklyContributionPence: row.weekly_contribution_pence,
    calculation: row.calculation,
    chargingPolicy:
      row.charging_policy_id === null
        ? null
        : {
            id: row.charging_policy_id,
            version: row.charging_policy_version,
            name: (row.calculation as { policyName?: string } | null)?.policyName ?? '',
          },
    notes: row.notes,
    createdAt: iso(row.created_at),
  };
}
