import type { Kysely } from 'kysely';
import {
  allowedDecreasePence,
  annualClawback,
  assessCharge,
  CARE_ACT_2014_RULES,
  calculateContribution,
  type FinancialCircumstances,
  protectedBasePence,
} from 'ras-core';
import type { Scope } from '../auth/roles.js';
import type { Budget, ClawbackInputs, DB, FinancialAssessment, Review } from '../db/schema.js';
import { findScheme } from '../repositories/allocation-schemes.js';
import { findLedger } from '../repositories/budget-accounts.js';
import { findBudget } from '../repositories/budgets.js';
import { findChargingPolicy } from '../repositories/charging-policies.js';
import type { CompiledRules } from '../repositories/compiled-rules.js';
import { upratingOrigin } from '../repositories/uprating-runs.js';
import { allCouncilIds, budgetsToVerify, clawbacksToVerify, financialAssessmentsToVerify } from '../repositories/verification.js';
import { summariseStoredAccount } from '../representations/budget-accounts.js';
import { councilPolicy, isShippedPolicy, type PolicyInForce, shippedPolicy } from './charging-policy.js';
import { clawbackAgreement, clawbackFunders, schemeClawbackRule } from './clawback-inputs.js';
import { recalculateBudget } from './recalculate-budget.js';

/** One stored figure beside the same figure worked out again. */
export interface FigureCheck {
  readonly figure: string;
  readonly stored: number | string | null;
  readonly recomputed: number | string | null;
  readonly matches: boolean;
}

/**
 * Whether a stored figure re-proves itself: worked out again by ras-core from its stored inputs and
 * the rule versions it names, it must match to the penny. `entered` figures were typed in, not
 * worked out, so there is nothing to recompute (they are counted, not failed).
 */
export interface Verification {
  readonly kind: 'budget' | 'financial-assessment' | 'clawback';
  readonly id: string;
  readonly status: 'matches' | 'differs' | 'entered';
  readonly matches: boolean;
  /** What the figure was worked out from: rule versions and the inputs' source. */
  readonly basis: Readonly<Record<string, string | number | null>>;
  readonly checks: readonly FigureCheck[];
  /** The figures that differ, in words (empty when all match). */
  readonly differences: readonly string[];
}

/** What verification reads with: the database, the compiled-rules cache and whose data it is. */
export interface VerifyContext {
  readonly db: Kysely<DB>;
  readonly rules: CompiledRules;
  readonly scope: Scope;
}

function verification(
  kind: Verification['kind'],
  id: string,
  basis: Verification['basis'],
  pairs: readonly (readonly [string, number | string | null, number | string | null])[],
): Verification {
  const checks = pairs.map(([figure, stored, recomputed]) => ({ figure, stored, recomputed, matches: stored === recomputed }));
  const differences = checks
    .filter((check) => !check.matches)
    .map((check) => `${check.figure}: stored ${String(check.stored)}, worked out again ${String(check.recomputed)}`);
  return {
    kind,
    id,
    status: differences.length === 0 ? 'matches' : 'differs',
    matches: differences.length === 0,
    basis,
    checks,
    differences,
  };
}

/**
 * Works a budget out again from its assessment's answers, the questionnaire and scheme versions it
 * names, its weeks, funding streams, contribution, panel amount and protection, and compares every
 * figure with the stored row and calculation.
 */
export async function verifyBudget({ db, rules, scope }: VerifyContext, budget: Budget): Promise<Verification> {
  const stored = budget.calculation;
  const again = await recalculateBudget({ tx: db, rules, scope }, budget, { weeklyContributionPence: stored.weeklyContributionPence });
  const protection = await protectionChecks(db, scope, budget);
  const referrals = (calculation: { referrals?: readonly { reason: string }[] }) =>
    (calculation.referrals ?? []).map((referral) => referral.reason).join(',') || null;
  return verification(
    'budget',
    budget.id,
    {
      questionnaire: `${again.questionnaire.key} v${again.questionnaire.version}`,
      questionnaireId: again.questionnaire.id,
      scheme: `${again.scheme.key} v${again.scheme.version}`,
      schemeId: again.scheme.id,
    },
    [
      ['schemeId', stored.scheme.id ?? null, again.scheme.id],
      ['questionnaireId', stored.questionnaire?.id ?? null, again.questionnaire.id],
      ['totalPoints', stored.totalPoints, again.totalPoints],
      ['fullYearPence', stored.fullYearPence, again.fullYearPence],
      ['rasAnnualPence', budget.ras_annual_pence, again.rasAnnualPence],
      ['protectedAnnualPence', budget.protected_annual_pence, again.transitionalProtection?.protectedPence ?? 0],
      ['totalAnnualPence', budget.total_annual_pence, again.totalAnnualPence],
      ['councilAnnualPence', budget.council_annual_pence, again.councilAnnualPence],
      ['annualContributionPence', budget.annual_contribution_pence, again.annualContributionPence],
      ['netAnnualPence', budget.net_annual_pence, again.netAnnualPence],
      ['referrals', referrals(stored), referrals(again)],
      // The calculation the budget shows (and its letters read) must agree with the row.
      ['calculation.rasAnnualPence', stored.rasAnnualPence, again.rasAnnualPence],
      ['calculation.totalAnnualPence', stored.totalAnnualPence, again.totalAnnualPence],
      ['calculation.councilAnnualPence', stored.councilAnnualPence, again.councilAnnualPence],
      ['calculation.annualContributionPence', stored.annualContributionPence, again.annualContributionPence],
      ['calculation.netAnnualPence', stored.netAnnualPence, again.netAnnualPence],
      ...protection,
    ],
  );
}

/**
 * For a budget an uprating run made, its protection is an input the re-run cannot check by itself:
 * the amount it protects must be the replaced budget's RAS amount with its own protection, and the
 * fall allowed must follow from the run's rule.
 */
async function protectionChecks(db: Kysely<DB>, scope: Scope, budget: Budget): Promise<[string, number | null, number | null][]> {
  const origin = await upratingOrigin(db, scope.councilId, budget.id);
  const stored = budget.calculation.transitionalProtection ?? null;
  if (!origin?.protection) return [];
  const replaced = await findBudget(db, scope, origin.budget_id);
  if (!replaced) return [['transitionalProtection.previousAnnualPence', stored?.previousAnnualPence ?? null, null]];
  const previous = protectedBasePence({
    clientGroup: '',
    totalAnnualPence: replaced.total_annual_pence,
    rasAnnualPence: replaced.ras_annual_pence,
    protectedPence: replaced.protected_annual_pence,
    outsideRas: replaced.panel_annual_pence !== null,
  });
  // No protection was needed when the new figure did not fall far: nothing more to check.
  if (stored === null) return [];
  return [
    ['transitionalProtection.previousAnnualPence', stored.previousAnnualPence, previous],
    ['transitionalProtection.allowedDecreasePence', stored.allowedDecreasePence, allowedDecreasePence(previous, origin.protection)],
  ];
}

/** The charging policy a financial assessment names, as it stands (versions never change). */
async function namedPolicy(db: Kysely<DB>, councilId: string, id: string): Promise<PolicyInForce | undefined> {
  if (isShippedPolicy(id)) return shippedPolicy(id);
  const row = await findChargingPolicy(db, councilId, id);
  return row && councilPolicy(row);
}

/**
 * Works a calculated weekly contribution out again from the stored circumstances under the
 * charging policy version it names (or the capital rules sent with an older `calculate`).
 */
export async function verifyFinancialAssessment({ db, scope }: VerifyContext, row: FinancialAssessment): Promise<Verification> {
  const stored = row.calculation as { inputs?: unknown; result?: { weeklyContributionPence?: number } } | null;
  if (row.method === 'entered' || stored === null) {
    return {
      kind: 'financial-assessment',
      id: row.id,
      status: 'entered',
      matches: true,
      basis: { method: 'entered' },
      checks: [],
      differences: [],
    };
  }
  let recomputed: number | null = null;
  let basis: Verification['basis'];
  if (row.charging_policy_id !== null) {
    const policy = await namedPolicy(db, scope.councilId, row.charging_policy_id);
    basis = {
      chargingPolicyId: row.charging_policy_id,
      chargingPolicyVersion: row.charging_policy_version,
      chargingPolicy: policy?.name ?? null,
    };
    if (policy && (policy.version ?? null) === row.charging_policy_version)
      recomputed = assessCharge(stored.inputs as FinancialCircumstances, policy.rules).weeklyContributionPence;
  } else {
    const { rules, ...inputs } = stored.inputs as Parameters<typeof calculateContribution>[0] & { rules?: typeof CARE_ACT_2014_RULES };
    basis = { chargingRules: rules ? 'sent with the assessment' : 'care-act-2014' };
    recomputed = calculateContribution(inputs, rules ?? CARE_ACT_2014_RULES).weeklyContributionPence;
  }
  return verification('financial-assessment', row.id, basis, [
    ['weeklyContributionPence', row.weekly_contribution_pence, recomputed],
    ['calculation.result.weeklyContributionPence', stored.result?.weeklyContributionPence ?? null, recomputed],
  ]);
}

/**
 * Works an annual review's clawback recommendation out again from the inputs kept with it and the
 * scheme version's rule, and checks that a decision took back no more than was recommended and that
 * the ledger holds exactly the entries the decision names.
 */
export async function verifyClawback({ db, scope }: VerifyContext, review: Review, budget: Budget): Promise<Verification> {
  const stored = review.clawback;
  if (stored === null) throw new Error(`review ${review.id} has no clawback to verify`);
  const scheme = await findScheme(db, scope.councilId, budget.scheme_id);
  const { rule, source } = schemeClawbackRule(scheme);
  const ledger = await findLedger(db, scope.councilId, budget.id);
  // Reviews completed before the inputs were kept: the account as its entries stood at completion.
  const completedAt = review.completed_at;
  if (completedAt === null) throw new Error(`review ${review.id} has a clawback but was never completed`);
  const reviewDate = review.outcome?.completedOn ?? completedAt.toISOString().slice(0, 10);
  const inputs: ClawbackInputs = stored.inputs ?? {
    agreement: clawbackAgreement(budget, ledger.agreement, scheme),
    reviewDate,
    funders: clawbackFunders(
      summariseStoredAccount({ ...ledger, entries: ledger.entries.filter((entry) => entry.created_at <= completedAt) }, reviewDate),
    ),
  };
  const again = annualClawback({ ...inputs.agreement, rule }, { funders: inputs.funders }, inputs.reviewDate);
  const pairs: [string, number | string | null, number | string | null][] = [
    ['rule', JSON.stringify(stored.rule ?? null), JSON.stringify(rule)],
    ['underspendPence', stored.underspendPence ?? null, again.underspendPence],
    ['contributionRefundPence', stored.contributionRefundPence, again.contributionRefundPence],
    ['allowancePence', stored.allowancePence ?? null, again.allowancePence],
    ['clawbackPence', stored.clawbackPence, again.clawbackPence],
    ['totalClawbackPence', stored.totalClawbackPence ?? null, again.totalClawbackPence],
  ];
  if (stored.decision) {
    const named = new Set(stored.decision.transactionIds);
    const council = ledger.entries
      .filter((entry) => named.has(entry.id) && entry.kind === 'clawback' && entry.funder === 'council')
      .reduce((sum, entry) => sum + entry.amount_pence, 0);
    pairs.push(
      ['decision.amountPence (in the ledger)', stored.decision.amountPence, council],
      ['decision.transactions found', named.size, ledger.entries.filter((entry) => named.has(entry.id)).length],
      ['decision within recommendation', 'yes', stored.decision.amountPence <= again.clawbackPence ? 'yes' : 'no'],
    );
  }
  return verification('clawback', review.id, { scheme: source, reviewDate: inputs.reviewDate }, pairs);
}

/** Totals of a verification run over stored records. */
export interface VerificationSummary {
  readonly checked: number;
  readonly matched: number;
  readonly entered: number;
  readonly differing: readonly Verification[];
  readonly byKind: Readonly<Record<Verification['kind'], { checked: number; matched: number; entered: number }>>;
}

/**
 * Verifies every stored budget, financial assessment and decided-or-recommended clawback of a
 * council (or of every council), a page at a time.
 */
export async function verifyStoredFigures(
  db: Kysely<DB>,
  rules: CompiledRules,
  councilIds?: readonly string[],
): Promise<VerificationSummary> {
  const councils = councilIds ?? (await allCouncilIds(db));
  const byKind = {
    budget: { checked: 0, matched: 0, entered: 0 },
    'financial-assessment': { checked: 0, matched: 0, entered: 0 },
    clawback: { checked: 0, matched: 0, entered: 0 },
  };
  const differing: Verification[] = [];
  const tally = (result: Verification) => {
    const totals = byKind[result.kind];
    totals.checked++;
    if (result.status === 'entered') totals.entered++;
    else if (result.matches) totals.matched++;
    else differing.push(result);
  };
  const PAGE = 500;
  for (const councilId of councils) {
    const context: VerifyContext = { db, rules, scope: { councilId, portalKeyId: null } };
    for (let after: string | null = null; ; ) {
      const budgets = await budgetsToVerify(db, councilId, after, PAGE);
      for (const budget of budgets) tally(await verifyBudget(context, budget));
      if (budgets.length < PAGE) break;
      after = (budgets[budgets.length - 1] as Budget).id;
    }
    for (const row of await financialAssessmentsToVerify(db, councilId)) tally(await verifyFinancialAssessment(context, row));
    for (const { review, budget } of await clawbacksToVerify(db, councilId)) tally(await verifyClawback(context, review, budget));
  }
  const totals = Object.values(byKind);
  return {
    checked: totals.reduce((sum, kind) => sum + kind.checked, 0),
    matched: totals.reduce((sum, kind) => sum + kind.matched, 0),
    entered: totals.reduce((sum, kind) => sum + kind.entered, 0),
    differing,
    byKind,
  };
}
