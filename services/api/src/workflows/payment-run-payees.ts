import { COUNCIL_FUNDER, costSupportPlan, PAYEE_OF, type PayeeLine, type SupportPlan, splitInstalment } from 'ras-core';
import type { HolderOption, PayeeKind, Provider } from '../db/schema.js';
import type { FieldProblem } from '../errors.js';
import type { RunBudget } from '../repositories/payment-runs.js';

/** Who one share of an instalment goes to. */
export interface RunPayee {
  readonly kind: PayeeKind;
  readonly reference: string;
  readonly name: string;
  readonly agreementId: string | null;
  readonly providerId: string | null;
  readonly managementOption: string | null;
}

/** A budget's payees, line by line, or what stops them being paid. */
export interface BudgetPayees {
  /** The council-funded lines with their payees; empty when the council arranges everything itself. */
  readonly lines: readonly (PayeeLine & { readonly payee: RunPayee })[];
  /** A line whose way of managing has no agreement, or an ISF line with no provider in the register. */
  readonly missing: readonly FieldProblem[];
  /** Some way of managing's agreement was suspended after an audit: no council payments. */
  readonly suspended: boolean;
}

const payeeKeyOf = (payee: RunPayee) => `${payee.kind}:${payee.reference}`;

/** The index the contingency and headroom's share is given: no line of the plan. */
const SPARE_LINE = -1;

/**
 * Who each of a budget's council-funded plan lines is paid to, by its way of managing
 * ({@link PAYEE_OF}): a holder under the agreement for that way, an individual service fund's
 * provider from the register, or, for council-arranged lines, the provider the council
 * commissions (its spend, never the person's money). Lines a funding stream pays for are not the
 * council's instalments' to pay (a stream's money is ring-fenced). `plan` is the plan in force on
 * the instalment's date (a live plan's revision counts from its date).
 */
export function budgetPayees(
  budget: RunBudget,
  plan: SupportPlan | null,
  providers: ReadonlyMap<string, Provider>,
  managedAccount: RunPayee,
): BudgetPayees {
  if (!plan) return { lines: [], missing: [], suspended: false };
  const costing = costSupportPlan(plan, {
    totalAnnualPence: budget.total_annual_pence,
    ...(budget.weeks_covered === null ? {} : { weeksCovered: budget.weeks_covered }),
    ...(budget.weeks_per_year === null ? {} : { weeksPerYear: budget.weeks_per_year }),
  });
  const missing: FieldProblem[] = [];
  const lines: (PayeeLine & { payee: RunPayee })[] = [];
  const suspended = budget.agreements.some(
    (agreement) => agreement.status === 'suspended' && plan.lines.some((line) => line.managedBy === agreement.option),
  );
  costing.lines.forEach((costed) => {
    const line = plan.lines[costed.index];
    if (!line || costed.fundedBy !== COUNCIL_FUNDER || costed.annualCostPence === 0) return;
    const where = `budget ${budget.budget_id} line ${costed.index} (${line.managedBy})`;
    const provider = line.providerId === undefined ? undefined : providers.get(line.providerId);
    let payee: RunPayee;
    switch (PAYEE_OF[line.managedBy]) {
      case 'holder': {
        const agreement = budget.agreements.find((found) => found.option === line.managedBy);
        if (!agreement) {
          // Named once per way of managing, at its first line.
          if (
            missing.some(
              (problem) =>
                problem.detail.startsWith(`budget ${budget.budget_id} `) &&
                problem.detail.includes(`(${line.managedBy}) needs its agreement`),
            )
          )
            return;
          missing.push({
            pointer: '/holdBudgetIds',
            detail: `${where} needs its agreement: createDirectPaymentAgreement with managementOption ${line.managedBy}`,
          });
          return;
        }
        payee = {
          kind: line.managedBy as HolderOption,
          reference: agreement.accountReference,
          name: agreement.holderName ?? budget.display_name ?? 'Direct payment holder',
          agreementId: agreement.id,
          providerId: null,
          managementOption: line.managedBy,
        };
        break;
      }
      case 'provider':
        if (!provider) {
          missing.push({
            pointer: '/holdBudgetIds',
            detail: `${where} names no provider in the register to hold the fund: set the line’s providerId (createProvider)`,
          });
          return;
        }
        payee = {
          kind: 'individual-service-fund',
          reference: provider.account_reference,
          name: provider.name,
          agreementId: null,
          providerId: provider.id,
          managementOption: line.managedBy,
        };
        break;
      default:
        payee = {
          kind: 'commissioned',
          reference: provider?.account_reference ?? `COMMISSIONED:${line.provider.trim() || 'unnamed provider'}`,
          name: provider?.name ?? (line.provider.trim() || 'Commissioned provider'),
          agreementId: null,
          providerId: provider?.id ?? null,
          managementOption: line.managedBy,
        };
    }
    lines.push({ index: costed.index, payeeKey: payeeKeyOf(payee), annualCostPence: costed.annualCostPence, payee });
  });
  // The contingency and any headroom: what the council's share holds beyond its lines' cost. It
  // goes to whoever holds money for the person (the direct payment holder first), or else stays in
  // the council's own account, so commissioned spend is never more than what its lines cost.
  const spare = budget.council_annual_pence - (costing.byFunder[COUNCIL_FUNDER] ?? 0);
  if (lines.length > 0 && spare > 0) {
    const holder =
      lines.find((line) => line.payee.kind === 'direct-payment') ??
      lines.find((line) => line.payee.kind === 'indirect-payment' || line.payee.kind === 'trust');
    const payee = holder?.payee ?? managedAccount;
    lines.push({ index: SPARE_LINE, payeeKey: payeeKeyOf(payee), annualCostPence: spare, payee });
  }
  return { lines, missing, suspended };
}

/** One share of an instalment for the run's items: the payee, the amount and each line's part. */
export interface InstalmentShare {
  readonly payee: RunPayee;
  readonly amountPence: number;
  readonly lines: readonly { readonly index: number; readonly amountPence: number }[];
}

/**
 * Splits an instalment between a budget's payees in proportion to their lines' cost and the
 * contingency's ({@link splitInstalment}); with no council-funded line costing anything, the whole
 * instalment goes to the council's own managed account.
 */
export function instalmentShares(amountPence: number, payees: BudgetPayees, managedAccount: RunPayee): InstalmentShare[] {
  if (payees.lines.length === 0) return [{ payee: managedAccount, amountPence, lines: [] }];
  const byKey = new Map(payees.lines.map((line) => [line.payeeKey, line.payee]));
  return splitInstalment(amountPence, payees.lines).map((share) => ({
    payee: byKey.get(share.payeeKey) as RunPayee,
    amountPence: share.amountPence,
    // Each plan line's part (the contingency's part is no line's).
    lines: share.lines.filter((line) => line.index !== SPARE_LINE),
  }));
}
