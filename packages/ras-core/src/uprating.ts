import { checkedPence, type Pence } from './money.js';

/** How one person's budget comes out of an uprating: more, less, the same, or set by the panel and left alone. */
export type UpratingOutcome = 'winner' | 'loser' | 'unchanged' | 'outside-ras';

/** One current budget re-run under the new scheme version. */
export interface UpratedBudget {
  readonly clientGroup: string;
  /** The individual budget today, a year. */
  readonly oldAnnualPence: Pence;
  /** The individual budget under the new version, before transitional protection. */
  readonly newAnnualPence: Pence;
  /** What transitional protection adds to it (0 when none applies). */
  readonly protectedPence: Pence;
  /** `true` when today's figure is the panel's, outside the RAS: the new version does not change it. */
  readonly outsideRas: boolean;
}

/** The figures for one group of people (a client group, or everyone). */
export interface UpratingTotals {
  readonly people: number;
  readonly winners: number;
  readonly losers: number;
  readonly unchanged: number;
  readonly outsideRas: number;
  /** How many losers transitional protection holds up. */
  readonly protectedPeople: number;
  readonly costBeforePence: Pence;
  /** Σ of each person's figure after the uprating, protection included (panel amounts as they were). */
  readonly costAfterPence: Pence;
  readonly protectedPence: Pence;
}

/** Winners, losers and unchanged for a whole caseload, by client group and overall. */
export interface UpratingSummary {
  readonly overall: UpratingTotals;
  readonly byClientGroup: readonly (UpratingTotals & { readonly clientGroup: string })[];
}

/** What a current budget brings to a re-run: its figures today, and its group. */
export interface CurrentFigures {
  readonly clientGroup: string;
  readonly totalAnnualPence: Pence;
  readonly rasAnnualPence: Pence;
  /** What transitional protection already adds to it (from an earlier uprating), else 0. */
  readonly protectedPence: Pence;
  readonly outsideRas: boolean;
}

/**
 * The amount transitional protection holds a budget up from: today's RAS amount with whatever
 * protection it already has (a panel amount is never re-worked).
 */
export function protectedBasePence(current: CurrentFigures): Pence {
  return checkedPence(current.rasAnnualPence + current.protectedPence, '/previousAnnualPence');
}

/** One budget's figures in an uprating: today's, and the new version's with its protection apart. */
export function upratedBudget(
  current: CurrentFigures,
  reworked: { readonly totalAnnualPence: Pence; readonly transitionalProtection: { readonly protectedPence: Pence } | null },
): UpratedBudget {
  const protectedPence = reworked.transitionalProtection?.protectedPence ?? 0;
  return {
    clientGroup: current.clientGroup,
    oldAnnualPence: current.totalAnnualPence,
    newAnnualPence: reworked.totalAnnualPence - protectedPence,
    protectedPence,
    outsideRas: current.outsideRas,
  };
}

/** The figure a person has after the uprating: the new one with its protection, or the panel's as it was. */
export function upratedAnnualPence(budget: UpratedBudget): Pence {
  return budget.outsideRas ? budget.oldAnnualPence : checkedPence(budget.newAnnualPence + budget.protectedPence, '/newAnnualPence');
}

/**
 * Whether a person wins, loses or stays the same, judged on what they will have (protection
 * included): a loser who is fully protected would be unchanged, so the loss is on `newAnnualPence`.
 */
export function upratingOutcome(budget: UpratedBudget): UpratingOutcome {
  if (budget.outsideRas) return 'outside-ras';
  if (budget.newAnnualPence > budget.oldAnnualPence) return 'winner';
  if (budget.newAnnualPence < budget.oldAnnualPence) return 'loser';
  return 'unchanged';
}

function empty(): { -readonly [K in keyof UpratingTotals]: UpratingTotals[K] } {
  return {
    people: 0,
    winners: 0,
    losers: 0,
    unchanged: 0,
    outsideRas: 0,
    protectedPeople: 0,
    costBeforePence: 0,
    costAfterPence: 0,
    protectedPence: 0,
  };
}

/**
 * Adds up an uprating dry run: for everyone and per client group, how many win, lose or stay the
 * same, what the caseload costs a year before and after, and what transitional protection costs.
 *
 * @example
 * ```ts
 * upratingSummary([
 *   { clientGroup: 'older-people', oldAnnualPence: 500_000, newAnnualPence: 520_000, protectedPence: 0, outsideRas: false },
 *   { clientGroup: 'older-people', oldAnnualPence: 800_000, newAnnualPence: 700_000, protectedPence: 20_000, outsideRas: false },
 * ]).overall; // 1 winner, 1 loser, £13,000 before, £12,400 after, £200 protection
 * ```
 */
export function upratingSummary(budgets: Iterable<UpratedBudget>): UpratingSummary {
  const overall = empty();
  const groups = new Map<string, ReturnType<typeof empty>>();
  for (const budget of budgets) {
    let group = groups.get(budget.clientGroup);
    if (!group) {
      group = empty();
      groups.set(budget.clientGroup, group);
    }
    const outcome = upratingOutcome(budget);
    const after = upratedAnnualPence(budget);
    for (const totals of [overall, group]) {
      totals.people += 1;
      if (outcome === 'winner') totals.winners += 1;
      else if (outcome === 'loser') totals.losers += 1;
      else if (outcome === 'unchanged') totals.unchanged += 1;
      else totals.outsideRas += 1;
      if (budget.protectedPence > 0 && outcome !== 'outside-ras') {
        totals.protectedPeople += 1;
        totals.protectedPence = checkedPence(totals.protectedPence + budget.protectedPence, '/protectedPence');
      }
      totals.costBeforePence = checkedPence(totals.costBeforePence + budget.oldAnnualPence, '/costBeforePence');
      totals.costAfterPence = checkedPence(totals.costAfterPence + after, '/costAfterPence');
    }
  }
  return {
    overall,
    byClientGroup: [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([clientGroup, totals]) => ({ clientGroup, ...totals })),
  };
}
