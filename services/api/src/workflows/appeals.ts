import type { Role } from '../auth/roles.js';
import type { Appeal } from '../db/schema.js';
import { invalidState, notFound, unprocessable } from '../errors.js';
import { findAppeal, insertAppeal, updateAppeal } from '../repositories/appeals.js';
import { findAssessment } from '../repositories/assessments.js';
import { findBudget } from '../repositories/budgets.js';
import { findDecision, findPlan, updatePlan } from '../repositories/support-plans.js';
import { appealEvent } from '../representations/appeals.js';
import { planEvent } from '../representations/support-plans.js';
import { upholdAssessmentAppeal } from './assessment-appeal.js';
import type { WorkflowContext } from './context.js';
import { setPanelAmount } from './set-panel-amount.js';
import { refuseErased, stateMachine, transition } from './transition.js';

const PANEL: readonly Role[] = ['panel'];
const decided = (status: string) => `The appeal is already decided (${status})`;

/** An appeal: lodged by the person, their agent or a portal for them; upheld or not by the panel. */
export const APPEAL = {
  ...stateMachine({
    entity: 'appeal',
    lock: (context, id) => findAppeal(context.tx, context.scope, id, { forUpdate: true }),
    statusOf: (row: Appeal) => row.status,
    eventOf: appealEvent,
    personOf: (row: Appeal) => row.person_id,
    steps: {
      uphold: { from: ['lodged'], to: 'upheld', roles: PANEL, audit: 'appeal.upheld', refusal: decided },
      dismiss: { from: ['lodged'], to: 'not-upheld', roles: PANEL, audit: 'appeal.not-upheld', refusal: decided },
    },
  }),
  /** Who may lodge one. */
  lodgedBy: ['portal', 'assessor', 'admin', 'integration'] satisfies Role[],
};

/**
 * What an appeal is lodged with: its subject and the one thing that subject disputes (a budget's
 * id, a plan decision's, or for eligibility and moderation the assessment's).
 */
export interface AppealInput {
  readonly subject: Appeal['subject'];
  readonly disputedId: string;
  readonly lodgedBy?: 'person' | 'agent' | undefined;
  readonly reason: string;
  readonly createdByKeyId: string | null;
}

/** An id an appeal of its subject always holds (lodgeAppeal sets it for that subject). */
function held(appeal: Appeal, column: 'budget_id' | 'plan_id' | 'decision_id' | 'assessment_id'): string {
  const id = appeal[column];
  if (id === null) throw new Error(`appeal ${appeal.id} (${appeal.subject}) holds no ${column}`);
  return id;
}

/** Lodges an appeal against a budget, a plan decision, an eligibility decision or a moderation change. */
export async function lodgeAppeal(context: WorkflowContext, input: AppealInput): Promise<Appeal> {
  const { tx, scope, changes } = context;
  await refuseErased(context, input.disputedId);
  let personId: string;
  let budgetId: string | null = null;
  let planId: string | null = null;
  let assessmentId: string | null = null;
  if (input.subject === 'eligibility' || input.subject === 'moderation') {
    const assessment = await findAssessment(tx, scope, input.disputedId);
    if (!assessment)
      throw unprocessable('INVALID_INPUT', 'The assessment does not exist', [
        { pointer: '/assessmentId', detail: 'is not an assessment you can see' },
      ]);
    if (assessment.status !== 'agreed') throw invalidState('Only a moderated (agreed) assessment has a decision to appeal');
    const moderation = assessment.moderation;
    if (input.subject === 'moderation' && moderation?.decision !== 'amend')
      throw unprocessable('INVALID_INPUT', 'The coordinator agreed the answers as the person gave them: there is no change to appeal', [
        { pointer: '/assessmentId', detail: 'its moderation changed no answer' },
      ]);
    if (input.subject === 'eligibility' && assessment.eligibility?.eligible !== false)
      throw unprocessable('INVALID_INPUT', 'The person was found eligible: there is no eligibility decision to appeal', [
        { pointer: '/assessmentId', detail: 'the person is eligible' },
      ]);
    personId = assessment.person_id;
    assessmentId = assessment.id;
  } else if (input.subject === 'budget') {
    const budget = await findBudget(tx, scope, input.disputedId);
    if (!budget)
      throw unprocessable('INVALID_INPUT', 'The budget does not exist', [{ pointer: '/budgetId', detail: 'is not a budget you can see' }]);
    personId = budget.person_id;
    budgetId = budget.id;
  } else {
    const decision = await findDecision(tx, scope.councilId, input.disputedId);
    const plan = decision && (await findPlan(tx, scope, decision.plan_id));
    if (!decision || !plan)
      throw unprocessable('INVALID_INPUT', 'The decision does not exist', [
        { pointer: '/decisionId', detail: 'is not a decision you can see' },
      ]);
    personId = plan.person_id;
    planId = plan.id;
    budgetId = plan.budget_id;
  }
  const row = await insertAppeal(tx, scope.councilId, {
    personId,
    subject: input.subject,
    budgetId,
    planId,
    decisionId: input.subject === 'plan-decision' ? input.disputedId : null,
    assessmentId,
    lodgedBy: scope.portalKeyId !== null ? 'portal' : (input.lodgedBy ?? 'person'),
    reason: input.reason,
    createdByKeyId: input.createdByKeyId,
  });
  changes.record({ action: 'appeal.lodged', entityType: 'appeal', entityId: row.id, after: appealEvent(row) });
  return row;
}

/**
 * The panel decides an appeal. Upheld, it acts on what was appealed: a budget gets the panel's
 * amount, a plan goes back before the stage appealed, an assessment's eligibility or answers are
 * put right (see upholdAssessmentAppeal).
 */
export function decideAppeal(
  context: WorkflowContext,
  id: string,
  expectedVersion: number,
  request: { readonly outcome: 'upheld' | 'not-upheld'; readonly reasons: string; readonly agreedAnnualPence?: number | undefined },
): Promise<Appeal> {
  const { tx, scope, changes } = context;
  const { outcome, reasons, agreedAnnualPence } = request;
  const target = { id, expectedVersion };
  return transition(context, APPEAL, outcome === 'upheld' ? 'uphold' : 'dismiss', target, async (before, status) => {
    if (agreedAnnualPence !== undefined && (outcome !== 'upheld' || before.subject !== 'budget')) {
      throw unprocessable('INVALID_INPUT', 'Only an upheld budget appeal sets an agreed amount', [
        { pointer: '/agreedAnnualPence', detail: 'applies only to an upheld budget appeal' },
      ]);
    }
    if (outcome === 'upheld' && before.subject === 'budget' && agreedAnnualPence !== undefined) {
      const budgetId = held(before, 'budget_id');
      const budget = await findBudget(tx, scope, budgetId, { forUpdate: true });
      if (!budget) throw notFound('budget', budgetId);
      await setPanelAmount(context, budget, { annualPence: agreedAnnualPence, reasons }, { appealId: before.id });
    }
    if (outcome === 'upheld' && (before.subject === 'eligibility' || before.subject === 'moderation'))
      await upholdAssessmentAppeal(context, before, held(before, 'assessment_id'), reasons);
    if (outcome === 'upheld' && before.subject === 'plan-decision') {
      const decision = await findDecision(tx, scope.councilId, held(before, 'decision_id'));
      const plan = await findPlan(tx, scope, held(before, 'plan_id'), { forUpdate: true });
      if (decision && plan && (plan.status === 'returned' || plan.status === 'rejected')) {
        const reopened = await updatePlan(
          tx,
          scope.councilId,
          plan.id,
          { status: 'submitted', stage: decision.stage },
          context.clock.now(),
        );
        changes.record({
          action: 'support-plan.reopened',
          entityType: 'support-plan',
          entityId: plan.id,
          after: { ...planEvent(reopened), appealId: before.id },
        });
      }
    }
    const now = context.clock.now();
    const decision = {
      outcome,
      reasons,
      agreedAnnualPence: agreedAnnualPence ?? null,
      decidedBy: context.actor.actor,
      decidedAt: now.toISOString(),
    };
    return { after: await updateAppeal(tx, scope.councilId, before.id, { status, decision: JSON.stringify(decision) }, now) };
  });
}
