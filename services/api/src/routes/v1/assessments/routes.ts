import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { scoreAnswers, validateAnswers } from 'ras-core';
import { Type } from 'typebox';
import { actorOf, READERS, rolesAccess, type Scope } from '../../../auth/roles.js';
import type { Assessment, DB } from '../../../db/schema.js';
import { assertVersion, invalidState, notFound, unprocessable } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { iso } from '../../../http/iso.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { write } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { createOnce } from '../../../plugins/idempotency.js';
import { findAssessment, insertAssessment, listAssessments, updateAssessment } from '../../../repositories/assessments.js';
import type { LoadedQuestionnaire } from '../../../repositories/compiled-rules.js';
import { findPerson } from '../../../repositories/people.js';
import { assessmentEvent } from '../../../representations/assessments.js';
import { Id, IdempotencyHeaders, IdParams, IfMatchHeaders, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { AssessmentResource, AssessmentStatus, CreateAssessmentBody, ModerationBody, SaveAnswersBody } from './schemas.js';

type AnswerValue = string | readonly string[];

export function toAssessment(row: Assessment, questionnaire: LoadedQuestionnaire) {
  // An erased person's answers are gone: the points stored when the assessment was agreed stand.
  const erased = row.total_points !== null && Object.keys(row.answers ?? {}).length === 0;
  const score = erased
    ? { totalPoints: row.total_points as number, complete: true, missingQuestionKeys: [], sections: [] }
    : scoreAnswers(questionnaire.compiled, row.answers);
  return {
    id: row.id,
    personId: row.person_id,
    questionnaire: { id: questionnaire.row.id, key: questionnaire.row.key, version: questionnaire.row.version },
    status: row.status,
    completedWith: row.completed_with,
    answers: row.answers as Record<string, AnswerValue>,
    submittedAnswers: row.submitted_answers as Record<string, AnswerValue> | null,
    moderation: row.moderation as never,
    eligibility: row.eligibility as never,
    score: {
      totalPoints: score.totalPoints,
      complete: score.complete,
      missingQuestionKeys: score.missingQuestionKeys,
      sections: score.sections,
    },
    submittedAt: iso(row.submitted_at),
    agreedAt: iso(row.agreed_at),
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

async function questionnaireOf(app: FastifyInstance, councilId: string, id: string, db: Kysely<DB> = app.db): Promise<LoadedQuestionnaire> {
  const loaded = await app.rules.questionnaire(councilId, id, db);
  if (!loaded) throw new Error(`questionnaire ${id} is missing`);
  return loaded;
}

function checkAnswers(questionnaire: LoadedQuestionnaire, answers: unknown, partial: boolean): void {
  const problems = validateAnswers(questionnaire.compiled, answers, { partial });
  if (problems.length > 0) {
    throw unprocessable(
      'INVALID_ANSWERS',
      `${problems.length} answer(s) ${partial ? 'do not fit' : 'are missing or do not fit'} the questionnaire: see errors`,
      problems.map(({ pointer, detail }) => ({ pointer, detail })),
    );
  }
}

const WRITERS = rolesAccess('admin', 'assessor', 'integration', 'portal');

/** Self-assessments: draft → submitted → agreed (moderated by a care coordinator). */
const assessmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** Loads an assessment for a transition: locked, visible to the scope, at the version the client saw. */
  async function lockForChange(
    tx: Parameters<Parameters<typeof write>[1]>[0],
    scope: Scope,
    id: string,
    expected: number,
  ): Promise<Assessment> {
    const row = await findAssessment(tx, scope, id, { forUpdate: true });
    if (!row) throw notFound('assessment', id);
    assertVersion(expected, row.version);
    return row;
  }

  app.post(
    '/assessments',
    {
      config: { problems: ['NOT_FOUND', 'INVALID_INPUT', 'INVALID_ANSWERS'], access: WRITERS },
      schema: {
        operationId: 'createAssessment',
        tags: ['assessments'],
        summary: 'Start a self-assessment (draft)',
        description:
          'Answers may be saved now or later; they are checked against the questionnaire, missing ones allowed until submission.',
        headers: IdempotencyHeaders,
        body: CreateAssessmentBody,
        response: { 201: AssessmentResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const { personId, questionnaireId, completedWith } = request.body;
      const answers = request.body.answers ?? {};
      const questionnaire = await app.rules.questionnaire(scope.councilId, questionnaireId);
      if (!questionnaire)
        throw unprocessable('INVALID_INPUT', 'The questionnaire does not exist', [
          { pointer: '/questionnaireId', detail: 'is not a questionnaire of this council' },
        ]);
      checkAnswers(questionnaire, answers, true);
      return createOnce(request, reply, async (tx, changes) => {
        const person = await findPerson(tx, scope, personId);
        if (!person)
          throw unprocessable('INVALID_INPUT', 'The person does not exist', [
            { pointer: '/personId', detail: 'is not a person you can see' },
          ]);
        const row = await insertAssessment(tx, scope.councilId, {
          personId,
          questionnaireId,
          completedWith,
          answers,
          createdByKeyId: request.principal.kind === 'key' ? request.principal.keyId : null,
        });
        changes.record({ action: 'assessment.created', entityType: 'assessment', entityId: row.id, after: assessmentEvent(row) });
        return { body: toAssessment(row, questionnaire), headers: { location: `/v1/assessments/${row.id}`, etag: etag(row.version) } };
      });
    },
  );

  app.get(
    '/assessments/:id',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'getAssessment',
        tags: ['assessments'],
        summary: 'Get an assessment with its score',
        params: IdParams,
        response: { 200: AssessmentResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const row = await findAssessment(app.db, scope, request.params.id);
      if (!row) throw notFound('assessment', request.params.id);
      reply.header('etag', etag(row.version));
      return toAssessment(row, await questionnaireOf(app, scope.councilId, row.questionnaire_id));
    },
  );

  app.get(
    '/assessments',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'listAssessments',
        tags: ['assessments'],
        summary: 'List assessments, oldest first',
        querystring: Type.Object(
          { personId: Type.Optional(Id), status: Type.Optional(AssessmentStatus), ...PageQuery },
          { additionalProperties: false },
        ),
        response: { 200: Page(AssessmentResource), ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const page = pageRequest(request.query);
      const rows = await listAssessments(
        app.db,
        scope,
        { personId: request.query.personId, status: request.query.status },
        page.after,
        page.size + 1,
      );
      const questionnaires = new Map<string, LoadedQuestionnaire>();
      for (const row of rows) {
        if (!questionnaires.has(row.questionnaire_id))
          questionnaires.set(row.questionnaire_id, await questionnaireOf(app, scope.councilId, row.questionnaire_id));
      }
      return toPage(rows, page, (row) => toAssessment(row, questionnaires.get(row.questionnaire_id) as LoadedQuestionnaire));
    },
  );

  app.put(
    '/assessments/:id/answers',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_ANSWERS'], access: WRITERS },
      schema: {
        operationId: 'saveAnswers',
        tags: ['assessments'],
        summary: 'Replace the answers of a draft assessment',
        params: IdParams,
        headers: IfMatchHeaders,
        body: SaveAnswersBody,
        response: { 200: AssessmentResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const scope = scopeOf(request);
      const row = await write(request, async (tx, changes) => {
        const before = await lockForChange(tx, scope, request.params.id, expected);
        if (before.status !== 'draft')
          throw invalidState(`Answers can only change while the assessment is a draft; it is ${before.status}`);
        checkAnswers(await questionnaireOf(app, scope.councilId, before.questionnaire_id, tx), request.body.answers, true);
        const after = await updateAssessment(
          tx,
          scope.councilId,
          before.id,
          { answers: JSON.stringify(request.body.answers) },
          app.clock.now(),
        );
        changes.record({
          action: 'assessment.answers-saved',
          entityType: 'assessment',
          entityId: after.id,
          before: assessmentEvent(before),
          after: assessmentEvent(after),
        });
        return after;
      });
      reply.header('etag', etag(row.version));
      return toAssessment(row, await questionnaireOf(app, scope.councilId, row.questionnaire_id));
    },
  );

  app.post(
    '/assessments/:id/submit',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_ANSWERS'], access: WRITERS },
      schema: {
        operationId: 'submitAssessment',
        tags: ['assessments'],
        summary: 'Submit a draft for moderation',
        description: '422 lists every missing or invalid answer.',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 200: AssessmentResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const scope = scopeOf(request);
      const row = await write(request, async (tx, changes) => {
        const before = await lockForChange(tx, scope, request.params.id, expected);
        if (before.status !== 'draft') throw invalidState(`Only a draft can be submitted; the assessment is ${before.status}`);
        const questionnaire = await questionnaireOf(app, scope.councilId, before.questionnaire_id, tx);
        checkAnswers(questionnaire, before.answers, false);
        const score = scoreAnswers(questionnaire.compiled, before.answers);
        const after = await updateAssessment(
          tx,
          scope.councilId,
          before.id,
          {
            status: 'submitted',
            submitted_answers: JSON.stringify(before.answers),
            submitted_at: app.clock.now(),
            total_points: score.totalPoints,
          },
          app.clock.now(),
        );
        changes.record({
          action: 'assessment.submitted',
          entityType: 'assessment',
          entityId: after.id,
          before: assessmentEvent(before),
          after: assessmentEvent(after),
        });
        return after;
      });
      reply.header('etag', etag(row.version));
      return toAssessment(row, await questionnaireOf(app, scope.councilId, row.questionnaire_id));
    },
  );

  app.post(
    '/assessments/:id/moderation',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_INPUT', 'INVALID_ANSWERS'], access: rolesAccess('assessor') },
      schema: {
        operationId: 'moderateAssessment',
        tags: ['assessments'],
        summary: 'Agree or amend a submitted assessment and record eligibility',
        description: 'The person’s submitted answers are kept; each amendment records what it changed and why.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: ModerationBody,
        response: { 200: AssessmentResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const scope = scopeOf(request);
      const { decision, eligibility } = request.body;
      const amendments = request.body.amendments ?? [];
      if (decision === 'agree' && amendments.length > 0) {
        throw unprocessable('INVALID_INPUT', 'An agreed assessment has no amendments; use decision "amend"', [
          { pointer: '/amendments', detail: 'must be empty when decision is agree' },
        ]);
      }
      if (decision === 'amend' && amendments.length === 0) {
        throw unprocessable('INVALID_INPUT', 'An amendment needs at least one changed answer', [
          { pointer: '/amendments', detail: 'must list at least one amendment' },
        ]);
      }
      const seen = new Set<string>();
      amendments.forEach((amendment, index) => {
        if (seen.has(amendment.questionKey)) {
          throw unprocessable('INVALID_INPUT', 'A question is amended twice', [
            { pointer: `/amendments/${index}/questionKey`, detail: 'amends the same question twice' },
          ]);
        }
        seen.add(amendment.questionKey);
      });
      if (eligibility.basis !== 'facs' && eligibility.band !== undefined) {
        throw unprocessable('INVALID_INPUT', 'A FACS band only applies to basis "facs"', [
          { pointer: '/eligibility/band', detail: 'applies only when basis is facs' },
        ]);
      }
      const row = await write(request, async (tx, changes) => {
        const before = await lockForChange(tx, scope, request.params.id, expected);
        if (before.status !== 'submitted') throw invalidState(`Only a submitted assessment can be moderated; it is ${before.status}`);
        const questionnaire = await questionnaireOf(app, scope.councilId, before.questionnaire_id, tx);
        const original = before.answers as Record<string, AnswerValue>;
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
        const moderation = {
          decision,
          amendments: amendments.map((amendment) => ({
            questionKey: amendment.questionKey,
            from: original[amendment.questionKey] ?? null,
            to: amendment.answer,
            reason: amendment.reason,
          })),
          moderatedBy: actorOf(request.principal),
          moderatedAt: app.clock.now().toISOString(),
        };
        const after = await updateAssessment(
          tx,
          scope.councilId,
          before.id,
          {
            status: 'agreed',
            answers: JSON.stringify(answers),
            moderation: JSON.stringify(moderation),
            eligibility: JSON.stringify(eligibility),
            total_points: score.totalPoints,
            score: JSON.stringify({ totalPoints: score.totalPoints, sections: score.sections.map(({ key, points }) => ({ key, points })) }),
            agreed_at: app.clock.now(),
          },
          app.clock.now(),
        );
        changes.record({
          action: 'assessment.agreed',
          entityType: 'assessment',
          entityId: after.id,
          before: assessmentEvent(before),
          after: { ...assessmentEvent(after), decision, amendments: moderation.amendments.length, eligible: eligibility.eligible },
        });
        return after;
      });
      reply.header('etag', etag(row.version));
      return toAssessment(row, await questionnaireOf(app, scope.councilId, row.questionnaire_id));
    },
  );
};

export default assessmentRoutes;
