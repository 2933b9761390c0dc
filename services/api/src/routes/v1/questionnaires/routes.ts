import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { validateQuestionnaire } from 'ras-core';
import { Type } from 'typebox';
import { READERS, rolesAccess } from '../../../auth/roles.js';
import { notFound, unprocessable } from '../../../errors.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { createWithWorkflow } from '../../../http/write.js';
import { councilOf } from '../../../plugins/auth.js';
import { findQuestionnaire, listQuestionnaires } from '../../../repositories/questionnaires.js';
import { toQuestionnaire } from '../../../representations/questionnaires.js';
import { IdempotencyHeaders, IdParams, Key, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { createQuestionnaireVersion } from '../../../workflows/rule-versions.js';
import { QuestionnaireBody, QuestionnaireResource } from './schemas.js';

/** Questionnaires: immutable versions of a council's self-assessment. */
const questionnaireRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/questionnaires',
    {
      config: { problems: ['INVALID_QUESTIONNAIRE'], access: rolesAccess('admin') },
      schema: {
        operationId: 'createQuestionnaire',
        tags: ['rules'],
        summary: 'Create a new version of a questionnaire',
        description:
          'Each create with the same key makes the next version; published versions never change. Every problem in the definition is listed.',
        headers: IdempotencyHeaders,
        body: QuestionnaireBody,
        response: { 201: QuestionnaireResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const problems = validateQuestionnaire(request.body);
      if (problems.length > 0)
        throw unprocessable('INVALID_QUESTIONNAIRE', `The questionnaire has ${problems.length} problem(s): see errors`, problems);
      const { key, title, sections } = request.body;
      return createWithWorkflow(request, reply, async (context) => {
        const row = await createQuestionnaireVersion(context, { key, title, sections });
        const body = toQuestionnaire(row);
        return { body, headers: { location: `/v1/questionnaires/${row.id}` } };
      });
    },
  );

  app.get(
    '/questionnaires/:id',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'getQuestionnaire',
        tags: ['rules'],
        summary: 'Get a questionnaire version',
        params: IdParams,
        response: { 200: QuestionnaireResource, ...problemResponses },
      },
    },
    async (request) => {
      const row = await findQuestionnaire(app.db, councilOf(request), request.params.id);
      if (!row) throw notFound('questionnaire', request.params.id);
      return toQuestionnaire(row);
    },
  );

  app.get(
    '/questionnaires',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'listQuestionnaires',
        tags: ['rules'],
        summary: 'List questionnaire versions, oldest first',
        querystring: Type.Object({ key: Type.Optional(Key), ...PageQuery }, { additionalProperties: false }),
        response: { 200: Page(QuestionnaireResource), ...problemResponses },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const rows = await listQuestionnaires(app.db, councilOf(request), { key: request.query.key }, page.after, page.size + 1);
      return toPage(rows, page, toQuestionnaire);
    },
  );
};

export default questionnaireRoutes;
