import type { Budget } from '../db/schema.js';
import { iso } from '../http/iso.js';

export function toBudget(row: Budget) {
  const calculation = row.calculation;
  return {
    ...calculation,
    // Budgets worked out before a case could carry two referrals stored only the one.
    referrals: calculation.referrals ?? (calculation.referral ? [calculation.referral] : []),
    outsideRas: row.panel_annual_pence !== null,
    transitionalProtection: calculation.transitionalProtection ?? null,
    id: row.id,
    personId: row.person_id,
    assessmentId: row.assessment_id,
    status: row.status,
    startDate: row.start_date,
    contributionCollection: row.contribution_collection,
    agreedAt: iso(row.agreed_at),
    endDate: row.end_date,
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** What audit records and events say about a budget: its figures and state. */
export function budgetEvent(row: Budget) {
  return {
    id: row.id,
    personId: row.person_id,
    assessmentId: row.assessment_id,
    schemeId: row.scheme_id,
    status: row.status,
    startDate: row.start_date,
    rasAnnualPence: row.ras_annual_pence,
    totalAnnualPence: row.total_annual_pence,
    councilAnnualPence: row.council_annual_pence,
    annualContributionPence: row.annual_contribution_pence,
    netAnnualPence: row.net_annual_pence,
    referral: row.referral?.reason ?? null,
    outsideRas: row.panel_annual_pence !== null,
    version: row.version,
  };
}
