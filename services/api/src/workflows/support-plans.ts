import type { SupportPlan } from 'ras-core';
import type { Role } from '../auth/roles.js';
import type { SupportPlanRow } from '../db/schema.js';
import { invalidState, unprocessable } from '../errors.js';
import { findBudget } from '../repositories/budgets.js';
import { findPerson } from '../repositories/people.js';
import { findPlan, insertPlan, updatePlan } from '../repositories/support-plans.js';
import { assess, planEvent } from '../representations/support-plans.js';
import type { WorkflowContext } from './context.js';
import { namedBudget } from './named-records.js';
import { assertPlanLines } from './plan-lines.js';
import { stateMachine, transition } from './transition.js';

/** Who may write and submit a plan: the person through a portal, or the coordinator with them. */
const WRITERS: readonly Role[] = ['admin', 'assessor', 'integration', 'portal'];
/** Who decides a submitted plan: the coordinator, the team manager and the panels, each at their own stage. */
const DECIDERS: readonly Role[] = ['assessor', 'team-manager', 'panel'];
const undecidable = (status: string) => `Only a submitted plan can be decided; this one is ${status}`;

/**
 * A support plan until it is decided: draft (or returned) → submitted. From there the decision
 * chain (coordinator → team manager → risk enablement → panel) is `decidePlan`'s.
 */
export const SUPPORT_PLAN = stateMachine({
  entity: 'support-plan',
  noun: 'support plan',
  lock: (context, id) => findPlan(context.tx, context.scope, id, { forUpdate: true }),
  statusOf: (row: SupportPlanRow) => row.status,
  eventOf: planEvent,
  personOf: (row: SupportPlanRow) => row.person_id,
  steps: {
    update: {
      from: ['draft', 'returned'],
      to: null,
      roles: WRITERS,
      audit: 'support-plan.updated',
      refusal: (status) => `Only a draft or returned plan can change; this one is ${status}`,
    },
    // A live plan changed from a date: the revision's own record says what and who agreed it.
    revise: {
      from: ['approved'],
      to: null,
      roles: ['admin', 'assessor'],
      audit: 'support-plan.revised',
      refusal: (status) => `Only an approved plan is revised; this one is ${status}`,
    },
    submit: {
      from: ['draft', 'returned'],
      to: 'submitted',
      roles: WRITERS,
      audit: 'support-plan.submitted',
      refusal: (status) => `Only a draft or returned plan can be submitted; this one is ${status}`,
    },
    // A decision at the plan's stage; which role each stage needs is ras-core's chain (PLAN_STAGE_ROLES).
    advance: { from: ['submitted'], to: null, roles: DECIDERS, audit: 'support-plan.stage-approved', refusal: undecidable },
    approve: { from: ['submitted'], to: 'approved', roles: DECIDERS, audit: 'support-plan.approved', refusal: undecidable },
    return: { from: ['submitted'], to: 'returned', roles: DECIDERS, audit: 'support-plan.returned', refusal: undecidable },
    reject: { from: ['submitted'], to: 'rejected', roles: DECIDERS, audit: 'support-plan.rejected', refusal: undecidable },
  },
});

/** Writes a draft plan for an indicative budget, carrying the person's capacity and who helps them unless it says otherwise. */
export async function createSupportPlan(
  context: WorkflowContext,
  input: {
    readonly budgetId: string;
    readonly plan: Omit<SupportPlan, 'id'> & Record<string, unknown>;
    readonly createdByKeyId: string | null;
  },
): Promise<SupportPlanRow> {
  const { tx, scope, changes } = context;
  const budget = await namedBudget(context, input.budgetId);
  if (budget.status !== 'indicative') throw invalidState(`A plan is written for an indicative budget; this one is ${budget.status}`);
  const written = input.plan;
  await assertPlanLines(tx, scope.councilId, written.lines, budget);
  const person = written.representation === undefined ? await findPerson(tx, scope, budget.person_id) : undefined;
  const plan = person?.person.representation ? { ...written, representation: person.person.representation } : written;
  assess(plan, { budget, financialAssessmentDone: false, paymentFrequency: 'monthly' });
  const row = await insertPlan(tx, scope.councilId, {
    budgetId: input.budgetId,
    personId: budget.person_id,
    plan,
    createdByKeyId: input.createdByKeyId,
  });
  changes.record({ action: 'support-plan.created', entityType: 'support-plan', entityId: row.id, after: planEvent(row) });
  return row;
}

/** Replaces the content of a draft or returned plan. */
export function updateSupportPlan(context: WorkflowContext, id: string, expectedVersion: number, plan: object): Promise<SupportPlanRow> {
  const { tx, scope } = context;
  return transition(context, SUPPORT_PLAN, 'update', { id, expectedVersion: expectedVersion }, async (before) => {
    const budget = await findBudget(tx, { councilId: scope.councilId, portalKeyId: null }, before.budget_id);
    if (budget) await assertPlanLines(tx, scope.councilId, (plan as SupportPlan).lines, budget);
    return { after: await updatePlan(tx, scope.councilId, before.id, { plan: JSON.stringify(plan) }, context.clock.now()) };
  });
}

/** Submits a draft or returned plan for decision, to the coordinator first: it needs an outcome and a line. */
export function submitSupportPlan(context: WorkflowContext, id: string, expectedVersion: number): Promise<SupportPlanRow> {
  const { tx, scope } = context;
  return transition(context, SUPPORT_PLAN, 'submit', { id, expectedVersion: expectedVersion }, async (before, status) => {
    const plan = before.plan;
    if (plan.outcomes.length === 0 || plan.lines.length === 0) {
      throw unprocessable('INVALID_INPUT', 'A plan needs at least one outcome and one line before it is submitted', [
        ...(plan.outcomes.length === 0 ? [{ pointer: '/outcomes', detail: 'must list at least one outcome' }] : []),
        ...(plan.lines.length === 0 ? [{ pointer: '/lines', detail: 'must list at least one line' }] : []),
      ]);
    }
    const now = context.clock.now();
    return { after: await updatePlan(tx, scope.councilId, before.id, { status, stage: 'coordinator', submitted_at: now }, now) };
  });
}
