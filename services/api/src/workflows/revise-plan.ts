import { comparePlanRevision, DEFAULT_REVISION_RULE, type SupportPlan } from 'ras-core';
import type { Role } from '../auth/roles.js';
import { assertSeparateStage } from '../auth/separation-of-duties.js';
import type { PlanRevision, SupportPlanRow } from '../db/schema.js';
import { AppError, invalidState, notFound, unprocessable } from '../errors.js';
import { findBudget } from '../repositories/budgets.js';
import { councilSettings } from '../repositories/councils.js';
import { findRevision, insertRevision, listRevisions, updateRevision } from '../repositories/plan-revisions.js';
import { findPlan, findPlanContext, updatePlan } from '../repositories/support-plans.js';
import { revisionEvent } from '../representations/plan-revisions.js';
import { assess, planEvent } from '../representations/support-plans.js';
import type { WorkflowContext } from './context.js';
import { assertPlanLines } from './plan-lines.js';
import { SUPPORT_PLAN } from './support-plans.js';
import { stateMachine, transition } from './transition.js';

/** A change to an approved plan, as the API takes it. */
export interface RevisionRequest {
  readonly plan: SupportPlan;
  readonly effectiveFrom: string;
  readonly reason: string;
  /** Send it to team manager and panel when it is more than the coordinator may approve alone. */
  readonly throughChain?: boolean | undefined;
}

/** A pending revision's decision at its stage. */
export interface RevisionDecisionRequest {
  readonly stage: 'team-manager' | 'panel';
  readonly outcome: 'approve' | 'reject';
  readonly reasons: string;
}

/** Puts an approved revision's content in force on the plan, with its event. */
async function apply(context: WorkflowContext, before: SupportPlanRow, revision: PlanRevision): Promise<SupportPlanRow> {
  const after = await updatePlan(
    context.tx,
    context.scope.councilId,
    before.id,
    { plan: JSON.stringify(revision.plan) },
    context.clock.now(),
  );
  context.changes.record({
    action: 'support-plan.revised',
    entityType: 'support-plan',
    entityId: after.id,
    before: planEvent(before),
    after: { ...planEvent(after), revision: revisionEvent(revision) },
  });
  return after;
}

/**
 * Revises an approved plan within its budget, from a date (seed 000 step 17: plans kept live).
 * The coordinator approves it alone when it is inside the council's limits (settings.planRevision)
 * and brings no new way of managing, funder or unresolved risk; otherwise it is refused (409
 * naming each rule), or with `throughChain` it waits for team manager then panel. Every version is
 * kept; the payment run and the account follow the plan in force on each date.
 */
export async function reviseSupportPlan(
  context: WorkflowContext,
  planId: string,
  expectedVersion: number,
  request: RevisionRequest,
): Promise<{ revision: PlanRevision; plan: SupportPlanRow }> {
  const { tx, scope, clock, actor, changes } = context;
  let revision: PlanRevision | undefined;
  const target = { id: planId, expectedVersion };
  const plan = await transition(context, SUPPORT_PLAN, 'revise', target, async (before) => {
    const budget = await findBudget(tx, { councilId: scope.councilId, portalKeyId: null }, before.budget_id);
    if (!budget) throw new Error(`plan ${before.id} has lost its budget`);
    if (budget.status !== 'agreed') throw invalidState(`A plan is revised while its budget runs; the budget is ${budget.status}`);
    const revisions = await listRevisions(tx, scope.councilId, before.id);
    const pending = revisions.find((revision) => revision.status === 'pending');
    if (pending)
      throw new AppError('INVALID_STATE', `Revision ${pending.number} is waiting for the ${pending.stage} decision: decide it first`, {
        extensions: { existingId: pending.id },
      });
    const latest = revisions.filter((revision) => revision.status === 'approved').at(-1)?.effective_from ?? budget.start_date;
    if (request.effectiveFrom < latest || (budget.end_date !== null && request.effectiveFrom > budget.end_date))
      throw unprocessable('INVALID_INPUT', 'A revision runs from a date inside the budget, not before the plan last changed', [
        {
          pointer: '/effectiveFrom',
          detail: `must be on or after ${latest}${budget.end_date === null ? '' : ` and on or before ${budget.end_date}`}`,
        },
      ]);
    await assertPlanLines(tx, scope.councilId, request.plan.lines, budget);
    const planContext = await findPlanContext(tx, scope.councilId, before);
    const previous = assess(before.plan, planContext);
    const revised = assess(request.plan, planContext);
    if (!revised.costing.withinBudget)
      throw unprocessable(
        'INVALID_INPUT',
        `A live plan is revised within its budget: this is ${-revised.costing.headroomPence} pence over`,
        [{ pointer: '/lines', detail: `with contingency the plan costs more than the ${budget.total_annual_pence} pence budget` }],
      );
    const rule = (await councilSettings(tx, scope.councilId)).planRevision ?? DEFAULT_REVISION_RULE;
    const comparison = comparePlanRevision(
      { plan: before.plan, costing: previous.costing },
      { plan: request.plan, costing: revised.costing },
      rule,
    );
    if (!comparison.coordinatorMayApprove && !request.throughChain)
      throw new AppError(
        'REVISION_NEEDS_APPROVAL',
        `The revision is more than the coordinator may approve alone (${comparison.breaches.map((breach) => breach.rule).join(', ')}): send it with throughChain for team manager and panel`,
        { errors: comparison.breaches.map((breach) => ({ pointer: breach.pointer, detail: `${breach.rule}: ${breach.detail}` })) },
      );
    const now = clock.now();
    const coordinator = {
      stage: 'coordinator' as const,
      outcome: 'approve' as const,
      reasons: request.reason,
      decidedBy: actor.actor,
      actorName: actor.actorName,
      decidedAt: now.toISOString(),
    };
    revision = await insertRevision(tx, scope.councilId, {
      planId: before.id,
      budgetId: budget.id,
      personId: before.person_id,
      status: comparison.coordinatorMayApprove ? 'approved' : 'pending',
      stage: comparison.coordinatorMayApprove ? null : 'team-manager',
      effectiveFrom: request.effectiveFrom,
      reason: request.reason,
      plan: request.plan,
      previous: before.plan,
      comparison,
      decisions: [coordinator],
      createdBy: actor.actor,
      decidedAt: comparison.coordinatorMayApprove ? now : null,
    });
    changes.record({
      action: 'plan-revision.created',
      entityType: 'plan-revision',
      entityId: revision.id,
      after: revisionEvent(revision),
    });
    // Waiting for team manager and panel: the plan is as it was until they approve.
    if (revision.status !== 'approved') return { after: before, record: false };
    const after = await updatePlan(tx, scope.councilId, before.id, { plan: JSON.stringify(revision.plan) }, clock.now());
    return { after, extra: { revision: revisionEvent(revision) } };
  });
  if (!revision) throw new Error(`the revision of plan ${planId} was not made`);
  return { revision, plan };
}

const REVISION_DECIDERS: readonly Role[] = ['team-manager', 'panel'];
const decided = (status: string, revision: PlanRevision) => `Revision ${revision.number} is ${status}: there is nothing to decide`;

/** A revision the coordinator could not approve alone: team manager, then panel, decide it. */
export const PLAN_REVISION = stateMachine({
  entity: 'plan-revision',
  noun: 'plan revision',
  statusOf: (row: PlanRevision) => row.status,
  eventOf: revisionEvent,
  personOf: (row: PlanRevision) => row.person_id,
  steps: {
    approveStage: { from: ['pending'], to: 'pending', roles: REVISION_DECIDERS, audit: 'plan-revision.stage-approved', refusal: decided },
    approve: { from: ['pending'], to: 'approved', roles: REVISION_DECIDERS, audit: 'plan-revision.approved', refusal: decided },
    reject: { from: ['pending'], to: 'rejected', roles: REVISION_DECIDERS, audit: 'plan-revision.rejected', refusal: decided },
  },
});

/** Team manager, then panel, decide a revision the coordinator could not approve alone. */
export async function decidePlanRevision(
  context: WorkflowContext,
  planId: string,
  number: number,
  request: RevisionDecisionRequest,
): Promise<PlanRevision> {
  const { tx, scope, clock, actor } = context;
  let plan: SupportPlanRow | undefined;
  const target = {
    id: `${planId}/${number}`,
    expectedVersion: null,
    lock: async () => {
      // The plan first, as every writer of a plan locks it before its revisions.
      plan = await findPlan(tx, scope, planId, { forUpdate: true });
      if (!plan) throw notFound('support plan', planId);
      return findRevision(tx, scope.councilId, planId, number, { forUpdate: true });
    },
  };
  const step = request.outcome === 'reject' ? 'reject' : request.stage === 'panel' ? 'approve' : 'approveStage';
  const after = await transition(context, PLAN_REVISION, step, target, async (revision, status) => {
    if (revision.stage !== request.stage)
      throw invalidState(`Revision ${number} is waiting for the ${revision.stage} decision, not ${request.stage}`);
    // As for the plan itself: no one decides two stages of a revision.
    if ((await councilSettings(tx, scope.councilId)).separationOfDuties === 'strict')
      assertSeparateStage(
        actor,
        request.stage,
        revision.decisions.map((decision) => ({ stage: decision.stage, actor: decision.decidedBy, actorName: decision.actorName ?? null })),
      );
    const decidedAt = clock.now();
    const decisions = [
      ...revision.decisions,
      {
        stage: request.stage,
        outcome: request.outcome,
        reasons: request.reasons,
        decidedBy: actor.actor,
        actorName: actor.actorName,
        decidedAt: decidedAt.toISOString(),
      },
    ];
    const done = status !== 'pending';
    return {
      after: await updateRevision(tx, scope.councilId, revision.id, {
        status,
        stage: done ? null : 'panel',
        decisions,
        decidedAt: done ? decidedAt : null,
      }),
    };
  });
  if (after.status === 'approved' && plan) {
    // The plan and its budget may have moved on while the revision waited.
    const budget = await findBudget(tx, { councilId: scope.councilId, portalKeyId: null }, plan.budget_id);
    if (plan.status !== 'approved' || budget?.status !== 'agreed')
      throw invalidState(`The plan is ${plan.status} and its budget ${budget?.status}: the revision can no longer be put in force`);
    await apply(context, plan, after);
  }
  return after;
}
