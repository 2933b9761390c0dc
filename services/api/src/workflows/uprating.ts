import {
  allowedDecreasePence,
  protectedBasePence,
  RasError,
  type UpratedBudget,
  upratedBudget,
  upratingOutcome,
  upratingSummary,
} from 'ras-core';
import type { AllocationScheme, UpratingRun, UpratingRunItem } from '../db/schema.js';
import { AppError, invalidState, unprocessable } from '../errors.js';
import { newId } from '../ids.js';
import { findScheme, schemeVersions } from '../repositories/allocation-schemes.js';
import { budgetFigures, insertBudgets } from '../repositories/budgets.js';
import { lockCouncilUprating } from '../repositories/payment-runs.js';
import { insertReviews } from '../repositories/reviews.js';
import {
  appliedRunFor,
  type CurrentBudget,
  currentBudgetsOf,
  findUpratingRun,
  insertUpratingRun,
  lockUpratingOf,
  replaceUpratingItems,
  updateUpratingRun,
} from '../repositories/uprating-runs.js';
import { reviewEvent } from '../representations/reviews.js';
import { chunks, ROWS_PER_STATEMENT, slicer } from '../slices.js';
import { type CalculatedBudget, calculateBudget } from './calculate-budget.js';
import type { WorkflowContext } from './context.js';
import { stateMachine, transition } from './transition.js';

/** What an uprating run is asked to do. */
export interface UpratingRequest {
  /** A scheme version whose current budgets are re-worked (with every earlier version of its key). */
  readonly schemeId: string;
  /** The version to re-work them under; default the next version of the same key. */
  readonly successorSchemeId?: string | undefined;
  /** At most this much lower in one year (with both, the smaller fall). */
  readonly transitionalProtection?: { readonly maxDecreasePercent?: number; readonly maxDecreasePence?: number } | undefined;
}

type Context = Pick<WorkflowContext, 'tx' | 'rules' | 'scope' | 'changes' | 'clock' | 'actor' | 'roles'>;

/** One budget re-worked: the figures for the run, and the calculation an applied run stores. */
interface Reworked {
  readonly budget: CurrentBudget;
  readonly figures: UpratedBudget;
  readonly calculation: CalculatedBudget;
}

/** The scheme to re-work and its successor, or the field that is wrong. */
async function schemesOf(
  context: Context,
  request: UpratingRequest,
): Promise<{ successor: AllocationScheme; replaces: AllocationScheme[] }> {
  const { tx, scope } = context;
  const scheme = await findScheme(tx, scope.councilId, request.schemeId);
  if (!scheme)
    throw unprocessable('INVALID_INPUT', 'There is no such allocation scheme', [
      { pointer: '/schemeId', detail: 'is not a scheme of the council' },
    ]);
  const versions = await schemeVersions(tx, scope.councilId, scheme.key);
  let successor: AllocationScheme | undefined;
  if (request.successorSchemeId !== undefined) {
    successor = versions.find((version) => version.id === request.successorSchemeId);
    if (!successor || successor.version <= scheme.version)
      throw unprocessable('INVALID_INPUT', `The successor must be a later version of scheme "${scheme.key}"`, [
        { pointer: '/successorSchemeId', detail: `is not a version of "${scheme.key}" after version ${scheme.version}` },
      ]);
  } else {
    successor = versions.find((version) => version.version > scheme.version);
    if (!successor)
      throw new AppError(
        'NO_SUCCESSOR_SCHEME',
        `Scheme "${scheme.key}" version ${scheme.version} has no later version: publish the new version (createAllocationScheme) first`,
        {
          errors: [{ pointer: '/schemeId', detail: `has no version after ${scheme.version}` }],
        },
      );
  }
  const replaces = versions.filter((version) => version.version < successor.version);
  const otherQuestionnaire = replaces.find((version) => version.questionnaire_id !== successor.questionnaire_id);
  if (otherQuestionnaire)
    throw unprocessable('INVALID_INPUT', 'The new version uses another questionnaire: people need re-assessing, not uprating', [
      {
        pointer: request.successorSchemeId === undefined ? '/schemeId' : '/successorSchemeId',
        detail: `version ${otherQuestionnaire.version} scores a different questionnaire`,
      },
    ]);
  return { successor, replaces };
}

/** Re-works every current agreed budget of the replaced versions under the successor, figures only unless `explain`. */
async function rework(
  context: Context,
  successor: AllocationScheme,
  replaces: readonly AllocationScheme[],
  request: UpratingRequest,
  explain: boolean,
  onBudget?: (done: number, total: number) => void,
): Promise<Reworked[]> {
  const { tx, rules, scope } = context;
  const scheme = await rules.scheme(scope.councilId, successor.id, tx);
  const questionnaire = await rules.questionnaire(scope.councilId, successor.questionnaire_id, tx);
  if (!scheme || !questionnaire) throw new Error(`scheme ${successor.id} has lost its rules`);
  const budgets = await currentBudgetsOf(
    tx,
    scope.councilId,
    replaces.map((version) => version.id),
    successor.effective_from,
  );
  const protection = request.transitionalProtection;
  const breathe = slicer();
  const reworked: Reworked[] = [];
  for (const [index, budget] of budgets.entries()) {
    await breathe();
    onBudget?.(index, budgets.length);
    const outsideQuestionnaire = budget.referrals?.find((referral) => referral.reason === 'needs-outside-questionnaire');
    const current = {
      clientGroup: budget.client_group,
      totalAnnualPence: budget.total_annual_pence,
      rasAnnualPence: budget.ras_annual_pence,
      protectedPence: budget.protected_pence ?? 0,
      outsideRas: budget.panel_annual_pence !== null,
    };
    let calculation: CalculatedBudget;
    try {
      calculation = calculateBudget(questionnaire, scheme, {
        answers: budget.answers,
        weeksAtHome: budget.weeks_covered,
        fundingStreams: budget.streams,
        weeklyContributionPence: budget.weekly_contribution_pence,
        outsideQuestionnaire:
          outsideQuestionnaire?.reason === 'needs-outside-questionnaire' ? outsideQuestionnaire.coordinatorReason : undefined,
        // Protection holds today's RAS-based amount (with any protection it already has) up.
        transitionalProtection: protection && { previousAnnualPence: protectedBasePence(current), ...protection },
        explain,
      });
    } catch (error) {
      if (!(error instanceof RasError)) throw error;
      throw unprocessable(
        'INVALID_INPUT',
        `Budget ${budget.id} cannot be re-worked under version ${successor.version}: ${error.problems.map((p) => p.detail).join('; ')}`,
        [{ pointer: '/schemeId', detail: `budget ${budget.id}: ${error.problems[0]?.detail ?? error.message}` }],
      );
    }
    reworked.push({ budget, calculation, figures: upratedBudget(current, calculation) });
  }
  return reworked;
}

function itemOf(reworked: Reworked): Omit<UpratingRunItem, 'run_id' | 'council_id'> {
  return {
    budget_id: reworked.budget.id,
    person_id: reworked.budget.person_id,
    client_group: reworked.figures.clientGroup,
    old_annual_pence: reworked.figures.oldAnnualPence,
    new_annual_pence: reworked.figures.newAnnualPence,
    protected_pence: reworked.figures.protectedPence,
    outcome: upratingOutcome(reworked.figures),
    new_budget_id: null,
    review_id: null,
  };
}

export function upratingRunEvent(run: UpratingRun) {
  const summary = run.summary;
  return {
    id: run.id,
    schemeId: run.scheme_id,
    effectiveFrom: run.effective_from,
    status: run.status,
    people: summary.overall.people,
    costBeforePence: summary.overall.costBeforePence,
    costAfterPence: summary.overall.costAfterPence,
  };
}

/**
 * A dry run: every current agreed budget of the scheme's versions up to the successor, re-worked
 * under the successor from the date it takes effect, with transitional protection; winners,
 * losers and unchanged by client group, and each person's old and new figure. Nothing else changes.
 */
export async function createUpratingRun(context: Context, request: UpratingRequest): Promise<UpratingRun> {
  // A bad protection rule is named before any budget is read (a RasError is a 422 naming the field).
  if (request.transitionalProtection) allowedDecreasePence(0, request.transitionalProtection);
  const { successor, replaces } = await schemesOf(context, request);
  const reworked = await rework(context, successor, replaces, request, false);
  const run = await insertUpratingRun(context.tx, context.scope.councilId, {
    schemeId: successor.id,
    replacesSchemeIds: replaces.map((version) => version.id),
    effectiveFrom: successor.effective_from,
    protection: request.transitionalProtection ?? null,
    summary: upratingSummary(reworked.map((r) => r.figures)),
    createdBy: context.actor.actor,
  });
  await replaceUpratingItems(context.tx, context.scope.councilId, run.id, reworked.map(itemOf));
  context.changes.record({ action: 'uprating-run.created', entityType: 'uprating-run', entityId: run.id, after: upratingRunEvent(run) });
  return run;
}

/**
 * An uprating run: worked out as a dry run, then applied once (applying it again answers it as it
 * is).
 */
export const UPRATING_RUN = stateMachine({
  entity: 'uprating-run',
  noun: 'uprating run',
  lock: (context, id) => findUpratingRun(context.tx, context.scope.councilId, id, { forUpdate: true }),
  statusOf: (run: UpratingRun) => run.status,
  eventOf: upratingRunEvent,
  steps: { apply: { from: ['dry-run'], done: ['applied'], to: 'applied', roles: ['finance', 'admin'], audit: 'uprating-run.applied' } },
});

/**
 * Applies a dry run: the figures are worked out again (budgets may have changed since), and for
 * each person a new indicative budget under the successor from its start date (with its
 * explanation and any protection) and an interim review on today's budget, due that day, where the
 * new one is agreed. Budgets the panel set outside the RAS get the review only. Applying an
 * applied run changes nothing and answers the run as it is.
 */
export function applyUpratingRun(
  context: Context,
  runId: string,
  /** Told how many budgets have been worked out again of how many (inside the one transaction). */
  progress?: (done: number, total: number) => void,
): Promise<UpratingRun> {
  const { tx, scope, changes, clock } = context;
  const target = { id: runId, expectedVersion: null };
  return transition(context, UPRATING_RUN, 'apply', target, async (run) => {
    const successor = await findScheme(tx, scope.councilId, run.scheme_id);
    if (!successor) throw new Error(`uprating run ${run.id} has lost its scheme`);
    const replaces = (await schemeVersions(tx, scope.councilId, successor.key)).filter((version) =>
      run.replaces_scheme_ids.includes(version.id),
    );
    await lockUpratingOf(tx, scope.councilId, successor.key);
    // Payment runs wait for (or refuse to start during) an uprating of the council's budgets.
    await lockCouncilUprating(tx, scope.councilId);
    const already = await appliedRunFor(tx, scope.councilId, run.scheme_id);
    if (already) throw invalidState(`Uprating run ${already.id} already applied version ${successor.version}; a caseload is uprated once`);
    const request: UpratingRequest = { schemeId: successor.id, transitionalProtection: run.protection ?? undefined };
    const reworked = await rework(context, successor, replaces, request, true, progress);
    progress?.(reworked.length, reworked.length);

    const items = reworked.map(itemOf);
    const newBudgets = reworked.flatMap((r, index) => (r.figures.outsideRas ? [] : [{ index, id: newId(), reworked: r }]));
    // A quarter of the usual rows to a statement: each carries its explained calculation.
    for (const slice of chunks(newBudgets, ROWS_PER_STATEMENT / 4)) {
      await insertBudgets(
        tx,
        slice.map(({ id, reworked: r }) => ({
          id,
          council_id: scope.councilId,
          person_id: r.budget.person_id,
          assessment_id: r.budget.assessment_id,
          scheme_id: successor.id,
          status: 'indicative' as const,
          start_date: successor.effective_from,
          contribution_collection: r.budget.contribution_collection,
          ...budgetFigures(r.calculation),
        })),
      );
    }
    for (const { index, id, reworked: r } of newBudgets) {
      (items[index] as { new_budget_id: string | null }).new_budget_id = id;
      const c = r.calculation;
      changes.record({
        action: 'budget.created',
        entityType: 'budget',
        entityId: id,
        after: {
          id,
          personId: r.budget.person_id,
          assessmentId: r.budget.assessment_id,
          schemeId: successor.id,
          status: 'indicative',
          startDate: successor.effective_from,
          rasAnnualPence: c.rasAnnualPence,
          totalAnnualPence: c.totalAnnualPence,
          councilAnnualPence: c.councilAnnualPence,
          annualContributionPence: c.annualContributionPence,
          netAnnualPence: c.netAnnualPence,
          referral: c.referral?.reason ?? null,
          transitionalProtectionPence: c.transitionalProtection?.protectedPence ?? 0,
          replacesBudgetId: r.budget.id,
          upratingRunId: run.id,
          version: 1,
        },
      });
    }
    // An interim review on each person's budget today, due when the new version starts: where the
    // new budget is agreed. Written in batches, as 25,000 reviews are more parameters than one
    // statement takes.
    const reviewByBudget = new Map<string, string>();
    for (const slice of chunks(reworked, ROWS_PER_STATEMENT)) {
      const reviews = await insertReviews(
        tx,
        scope.councilId,
        slice.map((r) => ({
          budgetId: r.budget.id,
          personId: r.budget.person_id,
          kind: 'interim' as const,
          dueDate: successor.effective_from,
        })),
      );
      for (const review of reviews) {
        reviewByBudget.set(review.budget_id, review.id);
        changes.record({
          action: 'review.scheduled',
          entityType: 'review',
          entityId: review.id,
          after: { ...reviewEvent(review), upratingRunId: run.id },
        });
      }
    }
    for (const item of items) item.review_id = reviewByBudget.get(item.budget_id) ?? null;
    await replaceUpratingItems(tx, scope.councilId, run.id, items);
    const applied = await updateUpratingRun(tx, scope.councilId, run.id, {
      status: 'applied',
      summary: upratingSummary(reworked.map((r) => r.figures)),
      applied_at: clock.now(),
    });
    return { after: applied };
  });
}
