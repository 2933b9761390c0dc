import { COUNCIL_FUNDER } from './account.js';
import { fail } from './errors.js';
import { type ExplanationStep, step } from './explanation.js';
import { assertPence, checkedPence, formatHundredths, formatPounds, multiplyDivide, type Pence, weeksToHundredths } from './money.js';

/** The five ways of managing a personal budget (seed 002), or a mix of them. */
export const MANAGEMENT_OPTIONS = ['direct-payment', 'indirect-payment', 'trust', 'individual-service-fund', 'council-arranged'] as const;
/** One of {@link MANAGEMENT_OPTIONS}. */
export type ManagementOption = (typeof MANAGEMENT_OPTIONS)[number];

/** How a plan line's amount is counted. */
export type CostType = 'weekly' | 'annual' | 'one-off';

/** An outcome the person wants from their support. */
export interface PlanOutcome {
  readonly key: string;
  readonly description: string;
}

/** One thing the budget pays for. */
export interface PlanLine {
  readonly description: string;
  /** The outcomes this line serves. */
  readonly outcomeKeys: readonly string[];
  readonly provider: string;
  readonly managedBy: ManagementOption;
  readonly costType: CostType;
  readonly amountPence: Pence;
  /**
   * The funding stream that pays for this line (a stream's key; default `council`). A stream's
   * money is spent only on its own lines (seed 000 step 18: health money on the needs it funds).
   */
  readonly fundedBy?: string;
  /** The provider register's entry for the provider (required to pay an individual service fund). */
  readonly providerId?: string;
}

/** A risk and what is done about it. */
export interface PlanRisk {
  readonly description: string;
  readonly mitigation: string;
  readonly resolved: boolean;
}

/** Someone who helps the person decide or arrange their support. */
export interface Supporter {
  readonly name: string;
  /** advocate (independent, Care Act 2014 s.67), broker (support planning and brokerage), deputy or attorney (legal authority), or other. */
  readonly role: 'advocate' | 'broker' | 'deputy' | 'attorney' | 'other';
  readonly organisation?: string;
}

/**
 * Capacity and representation (Mental Capacity Act 2005): the latest capacity assessment for the
 * decisions in the plan, the best-interests decision when the person lacks capacity, and who
 * helps them: advocate, broker, deputy or attorney.
 */
export interface Representation {
  readonly capacity?: { readonly assessedOn: string; readonly outcome: 'has-capacity' | 'lacks-capacity'; readonly decision: string };
  readonly bestInterests?: { readonly decidedOn: string; readonly decidedBy: string; readonly decision: string };
  readonly supporters?: readonly Supporter[];
}

/** A support plan, in the shape of the API's `createSupportPlan`. */
export interface SupportPlan {
  readonly outcomes: readonly PlanOutcome[];
  readonly lines: readonly PlanLine[];
  readonly contingency: { readonly amountPence: Pence; readonly plan: string; readonly emergencyCover: string };
  readonly risks: readonly PlanRisk[];
  readonly budgetHolder: string;
  readonly supportManager: string;
  /** How the plan keeps the person healthy, safe and well (seed 002, slide 11). */
  readonly healthySafeAndWell?: string;
  /** Capacity, best interests and who helps the person, shown to the panel and in letters. */
  readonly representation?: Representation;
}

/** The budget a plan is costed against. */
export interface PlanBudget {
  /** The individual budget for the period (RAS + added streams). */
  readonly totalAnnualPence: Pence;
  /** Weeks the budget covers (default: weeks per year). */
  readonly weeksCovered?: number;
  /** Weeks in the budget year (default 52). */
  readonly weeksPerYear?: number;
}

/** A line's cost for the period the budget covers. */
export interface CostedLine {
  readonly index: number;
  readonly description: string;
  readonly managedBy: ManagementOption;
  /** Who pays for the line: `council` or a funding stream's key. */
  readonly fundedBy: string;
  readonly annualCostPence: Pence;
}

/** What a plan costs against its budget. */
export interface PlanCosting {
  readonly lines: readonly CostedLine[];
  /** Σ line costs over the weeks covered. */
  readonly annualCostPence: Pence;
  readonly contingencyPence: Pence;
  readonly budgetPence: Pence;
  /** annual cost + contingency ≤ budget. */
  readonly withinBudget: boolean;
  /** budget − (annual cost + contingency); negative when over budget. */
  readonly headroomPence: number;
  readonly byManagementOption: Readonly<Record<ManagementOption, Pence>>;
  /** The lines' cost by who pays for them: `council` and each funding stream named. */
  readonly byFunder: Readonly<Record<string, Pence>>;
  readonly explanation: readonly ExplanationStep[];
}

/**
 * Costs a support plan over the weeks its budget covers: weekly lines × weeks, annual lines
 * pro-rata, one-off lines once; adds the contingency and compares with the budget.
 *
 * @param plan - the support plan
 * @param budget - the individual budget and the weeks it covers
 * @returns the costing, with totals by way of managing the money
 * @throws RasError `INVALID_MONEY` for a bad amount, `INVALID_SUPPORT_PLAN` for an unknown management option or cost type
 * @example
 * ```ts
 * const costing = costSupportPlan(plan, { totalAnnualPence: 1_000_000 });
 * costing.withinBudget; // true when lines + contingency fit in £10,000
 * ```
 */
export function costSupportPlan(plan: Pick<SupportPlan, 'lines' | 'contingency'>, budget: PlanBudget): PlanCosting {
  const budgetPence = assertPence(budget.totalAnnualPence, '/budget/totalAnnualPence');
  const perYear = weeksToHundredths(budget.weeksPerYear ?? 52, '/budget/weeksPerYear');
  const weeks = budget.weeksCovered === undefined ? perYear : weeksToHundredths(budget.weeksCovered, '/budget/weeksCovered');
  if (perYear === 0) fail('INVALID_NUMBER', '/budget/weeksPerYear', 'must be above 0');
  const byManagementOption = Object.fromEntries(MANAGEMENT_OPTIONS.map((option) => [option, 0])) as Record<ManagementOption, Pence>;
  const byFunder: Record<string, Pence> = { [COUNCIL_FUNDER]: 0 };
  const explanation: ExplanationStep[] = [];
  let annualCost = 0;
  const lines = plan.lines.map((line, index): CostedLine => {
    const amount = assertPence(line.amountPence, `/lines/${index}/amountPence`);
    if (!MANAGEMENT_OPTIONS.includes(line.managedBy))
      fail('INVALID_SUPPORT_PLAN', `/lines/${index}/managedBy`, `must be one of ${MANAGEMENT_OPTIONS.join(', ')}`);
    let cost: number;
    let how: string;
    if (line.costType === 'weekly') {
      cost = multiplyDivide(amount, weeks, 100, 'half-up');
      how = `${formatPounds(amount)} a week × ${formatHundredths(weeks)} weeks`;
    } else if (line.costType === 'annual') {
      cost = weeks === perYear ? amount : multiplyDivide(amount, weeks, perYear, 'half-up');
      how =
        weeks === perYear
          ? `${formatPounds(amount)} a year`
          : `${formatPounds(amount)} a year × ${formatHundredths(weeks)} ÷ ${formatHundredths(perYear)} weeks`;
    } else if (line.costType === 'one-off') {
      cost = amount;
      how = `${formatPounds(amount)} once`;
    } else {
      fail('INVALID_SUPPORT_PLAN', `/lines/${index}/costType`, 'must be "weekly", "annual" or "one-off"');
    }
    annualCost = checkedPence(annualCost + cost, '/costing/annualCostPence');
    byManagementOption[line.managedBy] += cost;
    const fundedBy = line.fundedBy ?? COUNCIL_FUNDER;
    byFunder[fundedBy] = (byFunder[fundedBy] ?? 0) + cost;
    explanation.push(step(`line:${index}`, `${line.description}: ${how} = ${formatPounds(cost)}.`, cost, 'pence'));
    return { index, description: line.description, managedBy: line.managedBy, fundedBy, annualCostPence: cost };
  });
  const contingency = assertPence(plan.contingency.amountPence, '/contingency/amountPence');
  const committed = checkedPence(annualCost + contingency, '/costing');
  const headroom = budgetPence - committed;
  explanation.push(
    step('annual-cost', `The plan costs ${formatPounds(annualCost)} over ${formatHundredths(weeks)} weeks.`, annualCost, 'pence'),
  );
  explanation.push(step('contingency', `Contingency set aside: ${formatPounds(contingency)}.`, contingency, 'pence'));
  explanation.push(
    step(
      'headroom',
      headroom >= 0
        ? `With contingency that is ${formatPounds(committed)} of a ${formatPounds(budgetPence)} budget: ${formatPounds(headroom)} to spare.`
        : `With contingency that is ${formatPounds(committed)}, ${formatPounds(-headroom)} over the ${formatPounds(budgetPence)} budget.`,
      headroom,
      'pence',
    ),
  );
  return {
    lines,
    annualCostPence: annualCost,
    contingencyPence: contingency,
    budgetPence,
    withinBudget: headroom >= 0,
    headroomPence: headroom,
    byManagementOption,
    byFunder,
    explanation,
  };
}

/** One criterion of the Resource Allocation Panel's checklist. */
export interface ChecklistItem {
  readonly key: ChecklistKey;
  readonly passed: boolean;
  readonly detail: string;
}

/** The panel's criteria (seed 002 slide 11, seed 004 stage 2). */
export type ChecklistKey =
  | 'outcomes-stated'
  | 'lines-serve-outcomes'
  | 'healthy-safe-and-well'
  | 'providers-named'
  | 'budget-holder-and-support-manager'
  | 'contingency-stated'
  | 'risks-mitigated'
  | 'no-unresolved-risks'
  | 'capacity-and-representation'
  | 'within-budget'
  | 'financial-assessment-done'
  | 'monthly-payment-schedule';

const blank = (text: string | undefined) => text === undefined || text.trim() === '';
const list = (items: readonly (string | number)[]) =>
  items.length > 5 ? `${items.slice(0, 5).join(', ')} and ${items.length - 5} more` : items.join(', ');

/**
 * The checklist the Resource Allocation Panel works through before agreeing a plan. A failed
 * `no-unresolved-risks` means the plan goes to the Risk Enablement Panel first.
 *
 * @param plan - the support plan
 * @param costing - from {@link costSupportPlan}
 * @param context - whether the person's financial assessment is done, and how the council pays (default monthly)
 * @returns one item per criterion, in the panel's order
 * @example
 * ```ts
 * const checklist = panelChecklist(plan, costSupportPlan(plan, budget), { financialAssessmentDone: true });
 * checklist.every((item) => item.passed);
 * ```
 */
export function panelChecklist(
  plan: SupportPlan,
  costing: Pick<PlanCosting, 'withinBudget' | 'headroomPence'>,
  context: { readonly financialAssessmentDone: boolean; readonly paymentFrequency?: 'monthly' | 'four-weekly' },
): ChecklistItem[] {
  const monthly = (context.paymentFrequency ?? 'monthly') === 'monthly';
  const outcomeKeys = new Set(plan.outcomes.map((outcome) => outcome.key));
  const unserved = plan.lines.flatMap((line, index) =>
    line.outcomeKeys.length === 0 || line.outcomeKeys.some((key) => !outcomeKeys.has(key)) ? [index + 1] : [],
  );
  const noProvider = plan.lines.flatMap((line, index) => (blank(line.provider) ? [index + 1] : []));
  const unmitigated = plan.risks.flatMap((risk, index) => (blank(risk.mitigation) ? [index + 1] : []));
  const unresolved = plan.risks.flatMap((risk, index) => (risk.resolved ? [] : [index + 1]));
  const missingPeople = [blank(plan.budgetHolder) ? 'budget holder' : '', blank(plan.supportManager) ? 'support manager' : ''].filter(
    Boolean,
  );
  const contingencyGaps = [
    plan.contingency.amountPence > 0 ? '' : 'an amount',
    blank(plan.contingency.plan) ? 'a plan' : '',
    blank(plan.contingency.emergencyCover) ? 'emergency cover' : '',
  ].filter(Boolean);
  return [
    {
      key: 'outcomes-stated',
      passed: plan.outcomes.length > 0,
      detail: plan.outcomes.length > 0 ? `${plan.outcomes.length} outcomes stated` : 'no outcomes are stated',
    },
    {
      key: 'lines-serve-outcomes',
      passed: plan.lines.length > 0 && unserved.length === 0,
      detail:
        plan.lines.length === 0
          ? 'the plan has no lines'
          : unserved.length === 0
            ? 'every line serves a stated outcome'
            : `lines ${list(unserved)} serve no stated outcome`,
    },
    {
      key: 'healthy-safe-and-well',
      passed: !blank(plan.healthySafeAndWell),
      detail: blank(plan.healthySafeAndWell)
        ? 'the plan does not say how it keeps the person healthy, safe and well'
        : 'says how it keeps the person healthy, safe and well',
    },
    {
      key: 'providers-named',
      passed: noProvider.length === 0,
      detail: noProvider.length === 0 ? 'every line names a provider' : `lines ${list(noProvider)} name no provider`,
    },
    {
      key: 'budget-holder-and-support-manager',
      passed: missingPeople.length === 0,
      detail: missingPeople.length === 0 ? 'budget holder and support manager named' : `no ${missingPeople.join(' or ')} named`,
    },
    {
      key: 'contingency-stated',
      passed: contingencyGaps.length === 0,
      detail:
        contingencyGaps.length === 0
          ? `contingency of ${formatPounds(plan.contingency.amountPence)} with a plan and emergency cover`
          : `the contingency lacks ${contingencyGaps.join(', ')}`,
    },
    {
      key: 'risks-mitigated',
      passed: unmitigated.length === 0,
      detail: unmitigated.length === 0 ? 'every risk has a mitigation' : `risks ${list(unmitigated)} have no mitigation`,
    },
    {
      key: 'no-unresolved-risks',
      passed: unresolved.length === 0,
      detail:
        unresolved.length === 0
          ? 'no unresolved risks'
          : `risks ${list(unresolved)} are unresolved: the Risk Enablement Panel must consider the plan`,
    },
    capacityItem(plan.representation),
    {
      key: 'within-budget',
      passed: costing.withinBudget,
      detail: costing.withinBudget
        ? `within budget, ${formatPounds(costing.headroomPence)} to spare`
        : `${formatPounds(-costing.headroomPence)} over budget`,
    },
    {
      key: 'financial-assessment-done',
      passed: context.financialAssessmentDone,
      detail: context.financialAssessmentDone ? 'financial assessment in force' : 'no financial assessment in force',
    },
    {
      key: 'monthly-payment-schedule',
      passed: monthly,
      detail: monthly
        ? 'the budget will be paid in 12 monthly instalments'
        : 'the council pays four-weekly, not on the monthly schedule the panel expects',
    },
  ];
}

/**
 * The panel's check of capacity and representation: where the person lacks capacity for the
 * decisions in the plan, a best-interests decision must be recorded and someone named to speak
 * for them (an advocate, deputy or attorney), as the Mental Capacity Act 2005 and the Care Act
 * 2014 s.67 ask. With capacity, or no concern recorded, it passes and says so.
 */
function capacityItem(representation: Representation | undefined): ChecklistItem {
  const capacity = representation?.capacity;
  const helpers = (representation?.supporters ?? []).map((supporter) => `${supporter.name} (${supporter.role})`);
  const named = helpers.length > 0 ? `; ${helpers.join(', ')} helping` : '';
  if (capacity?.outcome !== 'lacks-capacity')
    return {
      key: 'capacity-and-representation',
      passed: true,
      detail: capacity
        ? `has capacity for ${capacity.decision} (assessed ${capacity.assessedOn})${named}`
        : `no concern about capacity recorded${named}`,
    };
  const voice = (representation?.supporters ?? []).some((supporter) => ['advocate', 'deputy', 'attorney'].includes(supporter.role));
  const gaps = [representation?.bestInterests ? '' : 'no best-interests decision', voice ? '' : 'no advocate, deputy or attorney'].filter(
    Boolean,
  );
  return {
    key: 'capacity-and-representation',
    passed: gaps.length === 0,
    detail:
      gaps.length === 0
        ? `lacks capacity for ${capacity.decision} (assessed ${capacity.assessedOn}); best-interests decision of ${representation?.bestInterests?.decidedOn}${named}`
        : `lacks capacity for ${capacity.decision} (assessed ${capacity.assessedOn}) but the plan records ${gaps.join(' and ')}`,
  };
}

/** The stages a submitted plan goes through, in order (seed 002 slides 10–15). */
export type PlanStage = 'coordinator' | 'team-manager' | 'risk-enablement' | 'panel';

/** Who decides at each stage: the coordinator (an assessor), the team manager, then the panels. */
export const PLAN_STAGE_ROLES: Readonly<Record<PlanStage, 'assessor' | 'team-manager' | 'panel'>> = {
  coordinator: 'assessor',
  'team-manager': 'team-manager',
  'risk-enablement': 'panel',
  panel: 'panel',
};

/**
 * The stage after an approval. The Risk Enablement Panel sits only, and always, when a risk is
 * unresolved; after the Resource Allocation Panel the plan is approved.
 *
 * @example
 * ```ts
 * nextPlanStage('team-manager', plan); // 'risk-enablement' when a risk is open, else 'panel'
 * ```
 */
export function nextPlanStage(stage: PlanStage, plan: Pick<SupportPlan, 'risks'>): PlanStage | 'approved' {
  if (stage === 'coordinator') return 'team-manager';
  if (stage === 'team-manager') return plan.risks.some((risk) => !risk.resolved) ? 'risk-enablement' : 'panel';
  if (stage === 'risk-enablement') return 'panel';
  return 'approved';
}

/** What stands in for a reason for some failing items. */
export interface PanelApprovalContext {
  /** The panel's exception reason for a plan over budget: the reason for `within-budget`. */
  readonly exceptionReason?: string;
  /** The Risk Enablement Panel's approval, when it sat: the reason for `no-unresolved-risks`. */
  readonly riskEnablementReasons?: string;
}

/**
 * The reasons a panel approval records against its failing checklist items. Every failing item
 * needs one: given in `reasons` by item key, or for an over-budget plan the exception reason, or
 * for an open risk the Risk Enablement Panel's approval.
 *
 * @param checklist - from {@link panelChecklist}
 * @param reasons - the panel's reason for each failing item, by key
 * @param context - the exception reason and the Risk Enablement Panel's reasons, when given
 * @returns the reasons to record (by key) and the failing items with none
 * @example
 * ```ts
 * panelApproval(checklist, { 'monthly-payment-schedule': 'Four-weekly suits the provider’s invoices' }).missing; // []
 * ```
 */
export function panelApproval(
  checklist: readonly ChecklistItem[],
  reasons: Readonly<Record<string, string>>,
  context: PanelApprovalContext = {},
): { readonly reasons: Readonly<Record<string, string>>; readonly missing: readonly ChecklistItem[]; readonly unknown: readonly string[] } {
  const recorded: Record<string, string> = {};
  const missing: ChecklistItem[] = [];
  for (const item of checklist) {
    if (item.passed) continue;
    const given = reasons[item.key]?.trim();
    const implied =
      item.key === 'within-budget'
        ? context.exceptionReason?.trim()
        : item.key === 'no-unresolved-risks' && context.riskEnablementReasons !== undefined
          ? `Risk Enablement Panel approved: ${context.riskEnablementReasons}`
          : undefined;
    const reason = given || implied;
    if (reason) recorded[item.key] = reason;
    else missing.push(item);
  }
  const failing = new Set(checklist.filter((item) => !item.passed).map((item) => item.key as string));
  const unknown = Object.keys(reasons).filter((key) => !failing.has(key));
  return { reasons: recorded, missing, unknown };
}
