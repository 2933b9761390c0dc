import { addMonths, annualClawback, nextReviewInCycle } from 'ras-core';
import type { ClawbackInputs, Review } from '../db/schema.js';
import { notFound, unprocessable } from '../errors.js';
import { findScheme } from '../repositories/allocation-schemes.js';
import { findAssessment, insertAssessment } from '../repositories/assessments.js';
import { findLedger } from '../repositories/budget-accounts.js';
import { findBudget } from '../repositories/budgets.js';
import { findReview, insertReview, updateReview } from '../repositories/reviews.js';
import { listPlans } from '../repositories/support-plans.js';
import { assessmentEvent } from '../representations/assessments.js';
import { summariseStoredAccount } from '../representations/budget-accounts.js';
import { reviewEvent } from '../representations/reviews.js';
import { clawbackAgreement, clawbackFunders } from './clawback-inputs.js';
import type { WorkflowContext } from './context.js';
import { createIndicativeBudget } from './create-budget.js';
import { stateMachine, transition } from './transition.js';

type Rating = 'yes' | 'partly' | 'no';

/** What the coordinator records at a review. */
export interface ReviewCompletion {
  readonly outcomes: readonly { readonly key: string; readonly achieved: Rating; readonly note?: string | undefined }[];
  readonly experience?: Readonly<Record<string, number | undefined>> | undefined;
  readonly spentAsPlanned: Rating;
  readonly spendingNote?: string | undefined;
  readonly notes?: string | undefined;
  readonly completedOn?: string | undefined;
  readonly nextAssessmentId?: string | undefined;
  /** For a repeating interim review: book no further ones. */
  readonly stopRepeating?: boolean | undefined;
  /** Start a re-assessment: a new draft assessment with the last answers to review. */
  readonly reassess?: boolean | undefined;
}

/** A review: scheduled, then completed by a care coordinator (its clawback decided apart, by finance). */
export const REVIEW = stateMachine({
  entity: 'review',
  lock: (context, id) => findReview(context.tx, context.scope, id, { forUpdate: true }),
  statusOf: (row: Review) => row.status,
  eventOf: reviewEvent,
  personOf: (row: Review) => row.person_id,
  steps: {
    complete: {
      from: ['scheduled'],
      to: 'completed',
      roles: ['assessor'],
      audit: 'review.completed',
      refusal: (status) => `The review is already ${status}`,
    },
    decideClawback: {
      from: ['completed'],
      to: null,
      roles: ['finance'],
      audit: 'review.clawback-decided',
      refusal: () => 'Only a completed annual review has a clawback to decide',
    },
  },
});

/**
 * Completes a review: every outcome of the approved plan rated; an annual review works out the
 * clawback recommendation (ras-core's annualClawback, from the payment agreement and the ledger)
 * and, given next year's agreed assessment, sets next year's indicative budget.
 */
export async function completeReview(
  context: WorkflowContext,
  reviewId: string,
  expectedVersion: number,
  body: ReviewCompletion,
): Promise<Review> {
  const { tx, changes, scope, clock } = context;
  const target = { id: reviewId, expectedVersion };
  return transition(context, REVIEW, 'complete', target, async (before, status) => {
    const budget = await findBudget(tx, scope, before.budget_id, { forUpdate: true });
    if (!budget) throw notFound('budget', before.budget_id);
    const [plan] = await listPlans(
      tx,
      { councilId: scope.councilId, portalKeyId: null },
      { budgetId: budget.id, status: 'approved' },
      null,
      1,
    );
    const planOutcomes = plan?.plan.outcomes ?? [];
    const rated = new Map(body.outcomes.map((outcome) => [outcome.key, outcome]));
    const problems = [
      ...planOutcomes
        .filter((outcome) => !rated.has(outcome.key))
        .map((outcome) => ({ pointer: '/outcomes', detail: `the plan outcome "${outcome.key}" is not rated` })),
      ...body.outcomes.flatMap((outcome, index) =>
        planOutcomes.some((p) => p.key === outcome.key)
          ? []
          : [{ pointer: `/outcomes/${index}/key`, detail: 'is not an outcome of the approved plan' }],
      ),
    ];
    if (body.nextAssessmentId !== undefined && before.kind !== 'annual')
      problems.push({ pointer: '/nextAssessmentId', detail: 'applies only to an annual review' });
    if (body.stopRepeating !== undefined && before.repeat_every_months === null)
      problems.push({ pointer: '/stopRepeating', detail: 'applies only to a repeating interim review' });
    if (problems.length > 0) throw unprocessable('INVALID_INPUT', 'The review does not fit the approved plan: see errors', problems);

    const completedOn = body.completedOn ?? clock.today();
    if (completedOn < budget.start_date)
      throw unprocessable('INVALID_INPUT', `The budget started on ${budget.start_date}; a review of it cannot be completed before then`, [
        { pointer: '/completedOn', detail: `must be on or after ${budget.start_date}` },
      ]);
    let clawback: Record<string, unknown> | null = null;
    if (before.kind === 'annual') {
      const scheme = await findScheme(tx, scope.councilId, budget.scheme_id);
      const ledger = await findLedger(tx, scope.councilId, budget.id);
      const account = summariseStoredAccount(ledger, completedOn);
      const inputs: ClawbackInputs = {
        agreement: clawbackAgreement(budget, ledger.agreement, scheme),
        reviewDate: completedOn,
        funders: clawbackFunders(account),
      };
      const result = annualClawback(inputs.agreement, account, completedOn);
      // The inputs are kept with the figure, so verifyClawback can work it out again later.
      clawback = { ...result, inputs, decision: null };
    }
    let nextBudgetId: string | null = null;
    if (body.nextAssessmentId !== undefined) {
      const next = await createIndicativeBudget(context, {
        assessmentId: body.nextAssessmentId,
        startDate: addMonths(budget.start_date, 12),
        contributionCollection: budget.contribution_collection,
      });
      nextBudgetId = next.id;
    }
    // A repeating interim review books the next, counted from this one's due date, while the
    // budget runs and until a completion stops the cycle.
    let nextReviewId: string | null = null;
    if (before.repeat_every_months !== null && body.stopRepeating !== true && budget.status === 'agreed') {
      const dueDate = nextReviewInCycle(before.repeat_from ?? before.due_date, before.due_date, before.repeat_every_months);
      if (budget.end_date === null || dueDate <= budget.end_date) {
        const next = await insertReview(tx, scope.councilId, {
          budgetId: budget.id,
          personId: budget.person_id,
          kind: 'interim',
          dueDate,
          repeatEveryMonths: before.repeat_every_months,
          repeatFrom: before.repeat_from ?? before.due_date,
        });
        nextReviewId = next.id;
        changes.record({
          action: 'review.scheduled',
          entityType: 'review',
          entityId: next.id,
          after: { ...reviewEvent(next), previousReviewId: before.id },
        });
      }
    }
    // A review that finds needs have changed starts a re-assessment on the same questionnaire, with
    // the last answers for the person and coordinator to go through.
    let reassessmentId: string | null = null;
    if (body.reassess === true) {
      const last = await findAssessment(tx, { councilId: scope.councilId, portalKeyId: null }, budget.assessment_id);
      if (!last) throw new Error(`budget ${budget.id} has lost its assessment`);
      const started = await insertAssessment(tx, scope.councilId, {
        personId: budget.person_id,
        questionnaireId: last.questionnaire_id,
        completedWith: last.completed_with,
        answers: last.answers,
        createdByKeyId: null,
      });
      reassessmentId = started.id;
      changes.record({
        action: 'assessment.created',
        entityType: 'assessment',
        entityId: started.id,
        after: { ...assessmentEvent(started), reviewId: before.id },
      });
    }
    const outcome = {
      outcomes: planOutcomes.map((planned) => {
        const given = rated.get(planned.key);
        return { key: planned.key, description: planned.description, achieved: given?.achieved ?? 'no', note: given?.note ?? null };
      }),
      experience: body.experience ?? {},
      spentAsPlanned: body.spentAsPlanned,
      spendingNote: body.spendingNote ?? null,
      notes: body.notes ?? null,
      completedOn,
      onTime: completedOn <= before.due_date,
      nextBudgetId,
      nextReviewId,
      reassessmentId,
    };
    const after = await updateReview(
      tx,
      scope.councilId,
      before.id,
      {
        status,
        completed_at: clock.now(),
        outcome: JSON.stringify(outcome),
        clawback: clawback === null ? null : JSON.stringify(clawback),
      },
      clock.now(),
    );
    return {
      after,
      extra: {
        onTime: outcome.onTime,
        recommendedClawbackPence: (clawback?.clawbackPence as number | undefined) ?? null,
        nextBudgetId,
        nextReviewId,
        reassessmentId,
      },
    };
  });
}
