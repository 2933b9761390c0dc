import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { keyIdOf, READERS, rolesAccess } from '../../../auth/roles.js';
import type { LoadedQuestionnaire } from '../../../db/rows.js';
import { notFound, unprocessable } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { createWithWorkflow, runWorkflow } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { findAssessment, listAssessments } from '../../../repositories/assessments.js';
import { toAssessment } from '../../../representations/assessments.js';
import { Id, IdempotencyHeaders, IdParams, IfMatchHeaders, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import {
  ASSESSMENT,
  createAssessment,
  moderateAssessment,
  questionnaireOf,
  saveAnswers,
  submitAssessment,
} from '../../../workflows/assessments.js';
import { AssessmentResource, AssessmentStatus, CreateAssessmentBody, ModerationBody, SaveAnswersBody } from './schemas.js';

/** Who may call each step: the state machine's own table. */
const mayTake = (step: keyof typeof ASSESSMENT.steps) => rolesAccess(...ASSESSMENT.steps[step].roles);

/** Self-assessments: draft → submitted → agreed (moderated by a care coordinator). The steps are workflows/assessments.ts. */
const assessmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** The questionnaire of a row read outside a transaction. */
  const questionnaireFor = (request: Parameters<typeof scopeOf>[0], id: string) =>
    questionnaireOf(app.rules, scopeOf(request).councilId, id);

  app.post(
    '/assessments',
    {
      config: { problems: ['NOT_FOUND', 'INVALID_INPUT', 'INVALID_ANSWERS', 'PERSON_ERASED'], access: mayTake('saveAnswers') },
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
      return createWithWorkflow(request, reply, async (context) => {
        const row = await createAssessment(context, {
          personId,
          questionnaire,
          completedWith,
          answers,
          createdByKeyId: keyIdOf(request.principal),
        });
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
      const row = await findAssessment(app.db, scopeOf(request), request.params.id);
      if (!row) throw notFound('assessment', request.params.id);
      reply.header('etag', etag(row.version));
      return toAssessment(row, await questionnaireFor(request, row.questionnaire_id));
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
          questionnaires.set(row.questionnaire_id, await questionnaireFor(request, row.questionnaire_id));
      }
      return toPage(rows, page, (row) => toAssessment(row, questionnaires.get(row.questionnaire_id) as LoadedQuestionnaire));
    },
  );

  app.put(
    '/assessments/:id/answers',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_ANSWERS', 'PERSON_ERASED'], access: mayTake('saveAnswers') },
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
      const row = await runWorkflow(request, (context) => saveAnswers(context, request.params.id, expected, request.body.answers));
      reply.header('etag', etag(row.version));
      return toAssessment(row, await questionnaireFor(request, row.questionnaire_id));
    },
  );

  app.post(
    '/assessments/:id/submit',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_ANSWERS', 'PERSON_ERASED'], access: mayTake('submit') },
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
      const row = await runWorkflow(request, (context) => submitAssessment(context, request.params.id, expected));
      reply.header('etag', etag(row.version));
      return toAssessment(row, await questionnaireFor(request, row.questionnaire_id));
    },
  );

  app.post(
    '/assessments/:id/moderation',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_INPUT', 'INVALID_ANSWERS', 'PERSON_ERASED'], access: mayTake('moderate') },
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
      const row = await runWorkflow(request, (context) =>
        moderateAssessment(context, request.params.id, expected, { decision, amendments, eligibility }),
      );
      reply.header('etag', etag(row.version));
      return toAssessment(row, await questionnaireFor(request, row.questionnaire_id));
    },
  );
};

export default assessmentRoutes;
