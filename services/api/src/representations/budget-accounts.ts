import { type AccountSummary, type LedgerEntry, type ScheduledPayment, summariseAccount } from 'ras-core';
import type { AccountBudget, StoredLedger } from '../db/rows.js';
import type { BudgetTransaction, PaymentInstalment } from '../db/schema.js';
import { iso } from '../http/iso.js';

/** Ledger rows as ras-core reads them. */
export function ledgerOf(rows: readonly BudgetTransaction[]): LedgerEntry[] {
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    direction: row.direction,
    amountPence: row.amount_pence,
    funder: row.funder,
    instalmentNumber: row.instalment_number,
    reversesId: row.reverses_id,
    category: row.category,
    managedBy: row.managed_by,
  }));
}

/** Instalment rows as ras-core reads them. */
export function scheduleOf(rows: readonly PaymentInstalment[]): ScheduledPayment[] {
  return rows.map((row) => ({ funder: row.funder, number: row.number, dueDate: row.due_date, amountPence: row.amount_pence }));
}

/** Sums a stored ledger against its stored schedule (ras-core does the sums). */
export function summariseStoredAccount(ledger: StoredLedger, today: string): AccountSummary {
  return summariseAccount(ledgerOf(ledger.entries), scheduleOf(ledger.instalments), today, { ringFenced: ledger.ringFenced });
}

export function toTransaction(row: BudgetTransaction, reversedBy: string | null = null) {
  return {
    id: row.id,
    budgetId: row.budget_id,
    kind: row.kind,
    funder: row.funder,
    direction: row.direction === 1 ? ('in' as const) : ('out' as const),
    amountPence: row.amount_pence,
    occurredOn: row.occurred_on,
    category: row.category,
    planLine: row.plan_line,
    managedBy: row.managed_by,
    instalmentNumber: row.instalment_number,
    reversesTransactionId: row.reverses_id,
    reversedBy,
    description: row.description,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
  };
}

/** The funders' names: the council, the person, and each funding stream of the budget. */
export function funderNames(budget: AccountBudget): Record<string, string> {
  const streams = budget.streams ?? [];
  return {
    council: 'The council',
    person: 'The person’s contribution',
    ...Object.fromEntries(streams.map((stream) => [stream.key, stream.name])),
  };
}

/** The budget account: agreement, every funder's line, the schedule with its allocations, and the ledger. */
export function toAccount(budget: AccountBudget, ledger: StoredLedger, today: string) {
  const summary = summariseStoredAccount(ledger, today);
  const rows = ledger.entries;
  const reversedBy = new Map(rows.flatMap((row) => (row.reverses_id ? [[row.reverses_id, row.id] as const] : [])));
  const names = funderNames(budget);
  const a = ledger.agreement;
  return {
    budgetId: budget.id,
    status: budget.status,
    agreement: a
      ? {
          id: a.id,
          startDate: a.start_date,
          frequency: a.frequency,
          collection: a.collection,
          weeklyContributionPence: a.weekly_contribution_pence,
          grossAnnualPence: a.gross_annual_pence,
          contributionAnnualPence: a.contribution_annual_pence,
          netAnnualPence: a.net_annual_pence,
          financialAssessmentId: a.financial_assessment_id,
        }
      : null,
    ...summary,
    funders: summary.funders.map((funder) => ({ ...funder, name: names[funder.funder] ?? funder.funder })),
    transactions: rows.map((row) => toTransaction(row, reversedBy.get(row.id) ?? null)),
  };
}
