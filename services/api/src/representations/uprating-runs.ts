import { upratedAnnualPence } from 'ras-core';
import type { UpratingRun, UpratingRunItem } from '../db/schema.js';
import { iso } from '../http/iso.js';

export function toUpratedPerson(item: UpratingRunItem) {
  return {
    budgetId: item.budget_id,
    personId: item.person_id,
    clientGroup: item.client_group,
    oldAnnualPence: item.old_annual_pence,
    newAnnualPence: item.new_annual_pence,
    protectedPence: item.protected_pence,
    upratedAnnualPence: upratedAnnualPence(upratedFiguresOf(item)),
    outcome: item.outcome,
    newBudgetId: item.new_budget_id,
    reviewId: item.review_id,
  };
}

export function toUpratingRun(run: UpratingRun, people: { items: ReturnType<typeof toUpratedPerson>[]; nextPageToken: string | null }) {
  return {
    id: run.id,
    schemeId: run.scheme_id,
    replacesSchemeIds: run.replaces_scheme_ids,
    effectiveFrom: run.effective_from,
    transitionalProtection: run.protection,
    status: run.status,
    summary: run.summary,
    people,
    createdAt: iso(run.created_at),
    appliedAt: run.applied_at === null ? null : iso(run.applied_at),
    version: run.version,
  };
}

export function upratedFiguresOf(item: UpratingRunItem) {
  return {
    clientGroup: item.client_group,
    oldAnnualPence: item.old_annual_pence,
    newAnnualPence: item.new_annual_pence,
    protectedPence: item.protected_pence,
    outsideRas: item.outcome === 'outside-ras',
  };
}
