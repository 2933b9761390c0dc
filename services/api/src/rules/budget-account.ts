import type { BudgetTransaction, PaymentInstalment } from '../db/schema.js';

/** Where a ledger stands: balance, money in and out, and the schedule's progress. */
export interface AccountSummary {
  readonly balancePence: number;
  readonly councilPaidPence: number;
  readonly personPaidPence: number;
  /** Spend less refunds. */
  readonly spentPence: number;
  readonly clawedBackPence: number;
  readonly contributionRefundedPence: number;
  readonly adjustmentsPence: number;
  readonly spendByCategory: Record<string, number>;
  readonly spendByManagementOption: Record<string, number>;
  readonly schedule: { number: number; dueDate: string; amountPence: number; status: 'paid' | 'due' | 'upcoming'; paidBy: string | null }[];
}

/**
 * Sums an append-only ledger. A reversal cancels the entry it names, so both drop out of the
 * totals while the balance (Σ direction × amount over every entry) stays the ledger's own sum.
 */
export function summariseAccount(
  entries: readonly BudgetTransaction[],
  instalments: readonly PaymentInstalment[],
  today: string,
): AccountSummary {
  const reversed = new Set(entries.flatMap((entry) => (entry.reverses_id ? [entry.reverses_id] : [])));
  let balance = 0;
  let council = 0;
  let person = 0;
  let spent = 0;
  let clawedBack = 0;
  let contributionRefunded = 0;
  let adjustments = 0;
  const byCategory: Record<string, number> = {};
  const byOption: Record<string, number> = {};
  const paid = new Map<number, string>();
  for (const entry of entries) {
    balance += entry.direction * entry.amount_pence;
    if (entry.kind === 'reversal' || reversed.has(entry.id)) continue;
    const amount = entry.amount_pence;
    switch (entry.kind) {
      case 'council-payment':
        council += amount;
        if (entry.instalment_number !== null) paid.set(entry.instalment_number, entry.id);
        break;
      case 'contribution':
        person += amount;
        break;
      case 'spend':
      case 'refund': {
        const signed = entry.kind === 'spend' ? amount : -amount;
        spent += signed;
        const category = entry.category ?? 'uncategorised';
        byCategory[category] = (byCategory[category] ?? 0) + signed;
        if (entry.managed_by) byOption[entry.managed_by] = (byOption[entry.managed_by] ?? 0) + signed;
        break;
      }
      case 'clawback':
        clawedBack += amount;
        break;
      case 'contribution-refund':
        contributionRefunded += amount;
        break;
      case 'adjustment':
        adjustments += entry.direction * amount;
        break;
    }
  }
  return {
    balancePence: balance,
    councilPaidPence: council,
    personPaidPence: person,
    spentPence: spent,
    clawedBackPence: clawedBack,
    contributionRefundedPence: contributionRefunded,
    adjustmentsPence: adjustments,
    spendByCategory: byCategory,
    spendByManagementOption: byOption,
    schedule: instalments.map((instalment) => ({
      number: instalment.number,
      dueDate: instalment.due_date,
      amountPence: instalment.amount_pence,
      status: paid.has(instalment.number) ? 'paid' : instalment.due_date <= today ? 'due' : 'upcoming',
      paidBy: paid.get(instalment.number) ?? null,
    })),
  };
}
