import type { Kysely } from 'kysely';
import { type Answers, scoreAnswers, validateAnswers } from 'ras-core';
import type { Role } from '../auth/roles.js';
import type { LoadedQuestionnaire } from '../db/rows.js';
import type { Assessment, DB } from '../db/schema.js';
import { unprocessable } from '../errors.js';
import { findAssessment, insertAssessment, updateAssessment } from '../repositories/assessments.js';
import type { CompiledRules } from '../repositories/compiled-rules.js';
import { assessmentEvent } from '../representations/assessments.js';
import type { WorkflowContext } from './context.js';
import { namedPerson } from './named-records.js';
import { stateMachine, transition } from './transition.js';

type AnswerValue = string | readonly string[];

/** Who may start, fill in and submit a self-assessment: a portal asks the person. */
const WRITERS: readonly Role[] = ['admin', 'assessor', 'integration', 'portal'];

/** A self-assessment: draft → submitted → agreed, moderated by a care coordinator. */
export const ASSESSMENT = stateMachine({
  entity: 'assessment',
  lock: (context, id) => findAssessment(context.tx, context.scope, id, { forUpdate: true }),
  statusOf: (row: Assessment) => row.status,
  eventOf: assessmentEvent,
  personOf: (row: Assessment) => row.person_id,
  steps: {
    saveAnswers: {
      from: ['draft'],
      to: null,
      roles: WRITERS,
      audit: 'assessment.answers-saved',
      refusal: (status) => `Answers can only change while the assessment is a draft; it is ${status}`,
    },
    submit: {
      from: ['draft'],
      to: 'submitted',
      roles: WRITERS,
      audit: 'assessment.submitted',
      refusal: (status) => `Only a draft can be submitted; the assessment is ${status}`,
    },
    moderate: {
      from: ['submitted'],
      to: 'agreed',
      roles: ['assessor'],
      audit: 'assessment.agreed',
      refusal: (status) => `Only a submitted assessment can be moderated; it is ${status}`,
    },
  },
});

/** What a moderation decides: agree the answers, or amend some with a reason each; and eligibility. */
export interface Moderation {
  readonly decision: 'agree' | 'amend';
  readonly amendments: readonly { readonly questionKey: string; readonly answer: AnswerValue; readonly reason: string }[];
  readonly eligibility: Record<string, unknown> & { readonly eligible: boolean; readonly basis: string; readonly band?: string };
}

/** 422 naming each answer that does not fit the questionnaire (or is missing, unless `partial`). */
export function checkAnswers(questionnaire: LoadedQuestionnaire, answers: unknown, partial: boolean): void {
  const problems = validateAnswers(questionnaire.compiled, answers, { partial });
  if (problems.length > 0) {
    throw unprocessable(
      'INVALID_ANSWERS',
      `${problems.length} answer(s) ${partial ? 'do not fit' : 'are missing or do not fit'} the questionnaire: see errors`,
      problems.map(({ pointer, detail }) => ({ pointer, detail })),
    );
  }
}

/**
 * The questionnaire an assessment was made with (it cannot have gone: versions are never deleted).
 * Inside a transaction pass it as `db` (PGlite has one connection).
 */
export async function questionnaireOf(rules: CompiledRules, councilId: string, id: string, db?: Kysely<DB>): Promise<LoadedQuestionnaire> {
  const loaded = await rules.questionnaire(councilId, id, db);
  if (!loaded) throw new Error(`questionnaire ${id} is missing`);
  return loaded;
}

/** Starts a draft self-assessment for a person the scope can see, with any answers given so far. */
export async function createAssessment(
  context: WorkflowContext,
  input: {
    readonly personId: string;
    readonly questionnaire: LoadedQuestionnaire;
    readonly completedWith: Assessment['completed_with'];
    readonly answers: Answers;
    readonly createdByKeyId: string | null;
  },
): Promise<Assessment> {
  const { tx, scope, changes } = context;
  await namedPerson(context, input.personId);
  checkAnswers(input.questionnaire, input.answers, true);
  const row = await insertAssessment(tx, scope.councilId, {
    personId: input.personId,
    questionnaireId: input.questionnaire.row.id,
    completedWith: input.completedWith,
    answers: input.answers,
    createdByKeyId: input.createdByKeyId,
  });
  changes.record({ action: 'assessment.created', entityType: 'assessment', entityId: row.id, after: assessmentEvent(row) });
  return row;
}

/** Replaces a draft's answers (missing ones allowed until submission). */
export function saveAnswers(context: WorkflowContext, id: string, expectedVersion: number, answers: Answers): Promise<Assessment> {
  return transition(context, ASSESSMENT, 'saveAnswers', { id, expectedVersion: expectedVersion }, async (before) => {
    checkAnswers(await questionnaireOf(context.rules, context.scope.councilId, before.questionnaire_id, context.tx), answers, true);
    const after = await updateAssessment(
      context.tx,
      context.scope.councilId,
      before.id,
      { answers: JSON.stringify(answers) },
      context.clock.now(),
    );
    return { after };
  });
}

/** Submits a draft for moderation: every answer must be there, and the points are fixed as submitted. */
export function submitAssessment(context: WorkflowContext, id: string, expectedVersion: number): Promise<Assessment> {
  return transition(context, ASSESSMENT, 'submit', { id, expectedVersion: expectedVersion }, async (before, status) => {
    const questionnaire = await questionnaireOf(context.rules, context.scope.councilId, before.questionnaire_id, context.tx);
    checkAnswers(questionnaire, before.answers, false);
    const score = scoreAnswers(questionnaire.compiled, before.answers);
    const now = context.clock.now();
    const after = await updateAssessment(
      context.tx,
      context.scope.councilId,
      before.id,
      { status, submitted_answers: JSON.stringify(before.answers), submitted_at: now, total_points: score.totalPoints },
      now,
    );
    return { after };
  });
}

/**
 * Agrees a submitted assessment, or amends answers with a reason each, and records eligibility. The
 * person's submitted answers are kept; each amendment records what it changed from and to.
 */
export function moderateAssessment(
  context: WorkflowContext,
  id: string,
  expectedVersion: number,
  request: Moderation,
): Promise<Assessment> {
  const { decision, amendments, eligibility } = request;
  return transition(context, ASSESSMENT, 'moderate', { id, expectedVersion: expectedVersion }, async (before, status) => {
    const questionnaire = await questionnaireOf(context.rules, context.scope.councilId, before.questionnaire_id, context.tx);
    const original = before.answers;
    const answers: Record<string, AnswerValue> = { ...original };
    for (const amendment of amendments) answers[amendment.questionKey] = amendment.answer;
    const problems = validateAnswers(questionnaire.compiled, answers).map((problem) => {
      const index = amendments.findIndex((amendment) => amendment.questionKey === problem.questionKey);
      return {
        pointer: index >= 0 ? `/amendments/${index}/answer` : problem.pointer,
        detail: `${problem.questionKey}: ${problem.detail}`,
      };
    });
    if (problems.length > 0)
      throw unprocessable('INVALID_ANSWERS', 'The amended answers do not fit the questionnaire: see errors', problems);
    const score = scoreAnswers(questionnaire.compiled, answers);
    const now = context.clock.now();
    const moderation = {
      decision,
      amendments: amendments.map((amendment) => ({
        questionKey: amendment.questionKey,
        from: original[amendment.questionKey] ?? null,
        to: amendment.answer,
        reason: amendment.reason,
      })),
      moderatedBy: context.actor.actor,
      moderatedAt: now.toISOString(),
    };
    const after = await updateAssessment(
      context.tx,
      context.scope.councilId,
      before.id,
      {
        status,
        answers: JSON.stringify(answers),
        moderation: JSON.stringify(moderation),
        eligibility: JSON.stringify(eligibility),
        total_points: score.totalPoints,
        score: JSON.stringify({ totalPoints: score.totalPoints, sections: score.sections.map(({ key, points }) => ({ key, points })) }),
        agreed_at: now,
      },
      now,
    );
    return { after, extra: { decision, amendments: moderation.amendments.length, eligible: eligibility.eligible } };
  });
}
