import type { Appeal } from '../db/schema.js';
import { invalidState, notFound } from '../errors.js';
import { findAssessment, insertAssessment, updateAssessment } from '../repositories/assessments.js';
import { findBudget, listBudgets, updateBudget } from '../repositories/budgets.js';
import { budgetEvent } from '../representations/budgets.js';
import type { WorkflowContext } from './context.js';

/**
 * What an upheld eligibility or moderation appeal does to the assessment it names, in the
 * decision's transaction. Eligibility: the person is found eligible, the panel's reasons kept on
 * the eligibility (a budget can then be set). Moderation: the coordinator's amendments fall away,
 * the person's own submitted answers come back in a fresh assessment submitted for moderation
 * again (the overturned one is kept); an indicative budget set from the amended answers is superseded. A budget already agreed
 * from them is not undone here (409): that is a budget appeal.
 */
export async function upholdAssessmentAppeal(
  context: WorkflowContext,
  appeal: Appeal,
  assessmentId: string,
  reasons: string,
): Promise<void> {
  const { tx, scope, changes } = context;
  const before = await findAssessment(tx, { councilId: scope.councilId, portalKeyId: null }, assessmentId, { forUpdate: true });
  if (!before) throw notFound('assessment', assessmentId);
  const event = (row: typeof before) => ({
    id: row.id,
    personId: row.person_id,
    questionnaireId: row.questionnaire_id,
    status: row.status,
    totalPoints: row.total_points,
    version: row.version,
    appealId: appeal.id,
  });
  if (appeal.subject === 'eligibility') {
    // In the eligibility's own shape (its notes say why), so every reader of it still reads it.
    const eligibility = {
      ...before.eligibility,
      eligible: true,
      notes: `Found eligible on appeal: ${reasons}`.slice(0, 2000),
    };
    const after = await updateAssessment(tx, scope.councilId, before.id, { eligibility: JSON.stringify(eligibility) }, context.clock.now());
    changes.record({
      action: 'assessment.eligibility-changed',
      entityType: 'assessment',
      entityId: after.id,
      before: event(before),
      after: event(after),
    });
    return;
  }
  const internal = { councilId: scope.councilId, portalKeyId: null };
  // Locked, so a panel approval cannot agree one of them between this check and the change.
  const budgets = [];
  for (const listed of await listBudgets(tx, internal, { assessmentId: before.id }, null, 1_000)) {
    const locked = await findBudget(tx, internal, listed.id, { forUpdate: true });
    if (locked) budgets.push(locked);
  }
  const agreed = budgets.find((budget) => budget.status === 'agreed' || budget.status === 'ended');
  if (agreed) throw invalidState(`Budget ${agreed.id} was agreed from the moderated answers: appeal the budget (subject budget) instead`);
  for (const budget of budgets.filter((candidate) => candidate.status === 'indicative')) {
    const superseded = await updateBudget(tx, scope.councilId, budget.id, { status: 'superseded' }, context.clock.now());
    changes.record({
      action: 'budget.superseded',
      entityType: 'budget',
      entityId: budget.id,
      before: budgetEvent(budget),
      after: { ...budgetEvent(superseded), appealId: appeal.id },
    });
  }
  // A fresh assessment with the person's own answers, submitted for moderation again; the
  // overturned one stays as it was, so what was set from it can still be worked out again.
  const answers = before.submitted_answers ?? before.answers;
  const fresh = await insertAssessment(tx, scope.councilId, {
    personId: before.person_id,
    questionnaireId: before.questionnaire_id,
    completedWith: before.completed_with,
    answers,
    createdByKeyId: before.created_by_key_id,
  });
  const resubmitted = await updateAssessment(
    tx,
    scope.councilId,
    fresh.id,
    {
      status: 'submitted',
      submitted_answers: JSON.stringify(answers),
      submitted_at: context.clock.now(),
    },
    context.clock.now(),
  );
  changes.record({
    action: 'assessment.reopened',
    entityType: 'assessment',
    entityId: resubmitted.id,
    after: { ...event(resubmitted), replaces: before.id },
  });
}
