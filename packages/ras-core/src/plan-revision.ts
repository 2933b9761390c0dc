import { COUNCIL_FUNDER } from './account.js';
import { fail } from './errors.js';
import { formatPounds, multiplyDivide, type Pence } from './money.js';
import type { PlanCosting, SupportPlan } from './support-plan.js';

/**
 * What a coordinator may approve alone when a live plan changes (seed 000 step 17: plans kept
 * live so people can change things quickly; seed 001: no process creep). A change inside every
 * limit set, with no new way of managing the money, no new funder and no new unresolved risk, is
 * the coordinator's; anything else goes back through team manager and panel.
 */
export interface RevisionRule {
  /** The money moved, as a share of the budget, at most this (e.g. 10). */
  readonly maxChangePercent?: number;
  /** The money moved at most this, in pence a year. */
  readonly maxChangePence?: Pence;
}

/** The limits a council gets when it sets none: a tenth of the budget. */
export const DEFAULT_REVISION_RULE: RevisionRule = { maxChangePercent: 10 };

/** One reason a revision needs more than the coordinator. */
export interface RevisionBreach {
  readonly rule: 'max-change-percent' | 'max-change-pence' | 'new-way-of-managing' | 'new-funder' | 'new-unresolved-risk';
  /** The plan field it is about, as a JSON Pointer into the revised plan. */
  readonly pointer: string;
  readonly detail: string;
}

/** How a revised plan differs from the one in force, and who may approve it. */
export interface RevisionComparison {
  /**
   * The money moved: what every line gains a year, counted line by line (a new line gains its whole
   * cost, a line cut gains nothing), plus any rise in the contingency.
   */
  readonly changePence: Pence;
  /** `changePence` as a percent of the budget, in tenths, half up. */
  readonly changePercent: number;
  readonly breaches: readonly RevisionBreach[];
  /** No breaches: the coordinator approves it alone. */
  readonly coordinatorMayApprove: boolean;
}

const unresolved = (plan: Pick<SupportPlan, 'risks'>) =>
  new Set(plan.risks.filter((risk) => !risk.resolved).map((risk) => risk.description.trim().toLowerCase()));

/**
 * Compares a revised plan with the plan in force, both costed against the same budget.
 *
 * @param previous - the plan in force and its costing
 * @param revised - the revised plan and its costing
 * @param rule - the council's limits on what a coordinator approves alone
 * @returns the money moved, its share of the budget, and every rule the change breaks
 * @throws RasError `INVALID_NUMBER` for a percent limit outside 0–100
 * @example
 * ```ts
 * // £400 more on one line of a £6,250 budget: 6.4%, inside a 10% limit.
 * comparePlanRevision({ plan, costing }, { plan: revised, costing: revisedCosting }, { maxChangePercent: 10 }).coordinatorMayApprove; // true
 * ```
 */
export function comparePlanRevision(
  previous: { readonly plan: Pick<SupportPlan, 'lines' | 'risks'>; readonly costing: PlanCosting },
  revised: { readonly plan: Pick<SupportPlan, 'lines' | 'risks'>; readonly costing: PlanCosting },
  rule: RevisionRule = DEFAULT_REVISION_RULE,
): RevisionComparison {
  if (rule.maxChangePercent !== undefined && !(rule.maxChangePercent >= 0 && rule.maxChangePercent <= 100))
    fail('INVALID_NUMBER', '/maxChangePercent', 'must be from 0 to 100');
  let change = 0;
  revised.costing.lines.forEach((line, index) => {
    change += Math.max(0, line.annualCostPence - (previous.costing.lines[index]?.annualCostPence ?? 0));
  });
  change += Math.max(0, revised.costing.contingencyPence - previous.costing.contingencyPence);
  const budget = revised.costing.budgetPence;
  const tenths = budget === 0 ? (change === 0 ? 0 : 1000) : multiplyDivide(change, 1000, budget, 'half-up');
  const breaches: RevisionBreach[] = [];
  // Compared in tenths of a percent, as it is shown: 10.04% is 10.0%, inside a 10% limit.
  if (rule.maxChangePercent !== undefined && tenths > Math.round(rule.maxChangePercent * 10))
    breaches.push({
      rule: 'max-change-percent',
      pointer: '/lines',
      detail: `moves ${formatPounds(change)} a year, ${tenths / 10}% of the ${formatPounds(budget)} budget: the coordinator approves up to ${rule.maxChangePercent}% alone`,
    });
  if (rule.maxChangePence !== undefined && change > rule.maxChangePence)
    breaches.push({
      rule: 'max-change-pence',
      pointer: '/lines',
      detail: `moves ${formatPounds(change)} a year: the coordinator approves up to ${formatPounds(rule.maxChangePence)} alone`,
    });
  const ways = new Set(previous.plan.lines.map((line) => line.managedBy));
  const funders = new Set(previous.plan.lines.map((line) => line.fundedBy ?? COUNCIL_FUNDER));
  revised.plan.lines.forEach((line, index) => {
    if (!ways.has(line.managedBy)) {
      ways.add(line.managedBy);
      breaches.push({
        rule: 'new-way-of-managing',
        pointer: `/lines/${index}/managedBy`,
        detail: `${line.managedBy} is a new way of managing the money for this plan`,
      });
    }
    const funder = line.fundedBy ?? COUNCIL_FUNDER;
    if (!funders.has(funder)) {
      funders.add(funder);
      breaches.push({ rule: 'new-funder', pointer: `/lines/${index}/fundedBy`, detail: `${funder} pays for nothing in the plan in force` });
    }
  });
  const known = unresolved(previous.plan);
  revised.plan.risks.forEach((risk, index) => {
    if (!risk.resolved && !known.has(risk.description.trim().toLowerCase()))
      breaches.push({ rule: 'new-unresolved-risk', pointer: `/risks/${index}`, detail: 'is a new risk not yet resolved' });
  });
  return { changePence: change, changePercent: tenths / 10, breaches, coordinatorMayApprove: breaches.length === 0 };
}
