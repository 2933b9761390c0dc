import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { keyIdOf, READERS, rolesAccess } from '../../../auth/roles.js';
import { notFound, unprocessable } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { createWithWorkflow, runWorkflow } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { findAppeal, listAppeals } from '../../../repositories/appeals.js';
import { toAppeal } from '../../../representations/appeals.js';
import { Id, IdempotencyHeaders, IdParams, IfMatchHeaders, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { APPEAL, decideAppeal, lodgeAppeal } from '../../../workflows/appeals.js';
import { AppealResource, AppealStatus, CreateAppealBody, DecideAppealBody } from './schemas.js';

/** Appeals: a person (or their agent, or a portal for them) disagrees with a budget or a plan decision; the panel decides. */
const appealRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/appeals',
    {
      config: {
        problems: ['NOT_FOUND', 'INVALID_STATE', 'INVALID_INPUT', 'PERSON_ERASED'],
        access: rolesAccess(...APPEAL.lodgedBy),
      },
      schema: {
        operationId: 'createAppeal',
        tags: ['plans'],
        summary: 'Appeal a budget, a decision on a support plan, an eligibility decision or a moderation change',
        headers: IdempotencyHeaders,
        body: CreateAppealBody,
        response: { 201: AppealResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const body = request.body;
      // Each subject names exactly its own thing.
      const names = { budget: 'budgetId', 'plan-decision': 'decisionId', eligibility: 'assessmentId', moderation: 'assessmentId' } as const;
      const named = names[body.subject];
      const given = (['budgetId', 'decisionId', 'assessmentId'] as const).filter((field) => body[field] !== undefined);
      const disputedId = body[named];
      if (given.length !== 1 || disputedId === undefined)
        throw unprocessable('INVALID_INPUT', `A ${body.subject} appeal names the ${named.replace('Id', '')} it disputes`, [
          { pointer: `/${named}`, detail: `is required for subject ${body.subject} (and the other ids are not used)` },
        ]);
      return createWithWorkflow(request, reply, async (context) => {
        const row = await lodgeAppeal(context, {
          subject: body.subject,
          disputedId,
          lodgedBy: body.lodgedBy,
          reason: body.reason,
          createdByKeyId: keyIdOf(request.principal),
        });
        return { body: toAppeal(row), headers: { location: `/v1/appeals/${row.id}`, etag: etag(row.version) } };
      });
    },
  );

  app.get(
    '/appeals/:id',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'getAppeal',
        tags: ['plans'],
        summary: 'Get an appeal',
        params: IdParams,
        response: { 200: AppealResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const row = await findAppeal(app.db, scopeOf(request), request.params.id);
      if (!row) throw notFound('appeal', request.params.id);
      reply.header('etag', etag(row.version));
      return toAppeal(row);
    },
  );

  app.get(
    '/appeals',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'listAppeals',
        tags: ['plans'],
        summary: 'List appeals, oldest first',
        querystring: Type.Object(
          { personId: Type.Optional(Id), status: Type.Optional(AppealStatus), ...PageQuery },
          { additionalProperties: false },
        ),
        response: { 200: Page(AppealResource), ...problemResponses },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const rows = await listAppeals(
        app.db,
        scopeOf(request),
        { personId: request.query.personId, status: request.query.status },
        page.after,
        page.size + 1,
      );
      return toPage(rows, page, toAppeal);
    },
  );

  app.post(
    '/appeals/:id/decision',
    {
      config: {
        problems: ['INVALID_STATE', 'SAME_ACTOR', 'INVALID_INPUT', 'PERSON_ERASED'],
        access: rolesAccess(...APPEAL.steps.uphold.roles),
      },
      schema: {
        operationId: 'decideAppeal',
        tags: ['plans'],
        summary: 'The panel decides an appeal',
        description:
          'An upheld budget appeal may set agreedAnnualPence: the panel’s amount outside the RAS, recorded with the reasons, replacing the RAS amount in the budget (while it is indicative). An upheld appeal against a plan decision puts the plan back before that stage. An upheld eligibility appeal finds the person eligible (a budget can then be set). An upheld moderation appeal brings back the person’s own answers and submits the assessment for moderation again, superseding an indicative budget set from the changed answers (409 if a budget was agreed from them: appeal the budget). The person’s letter is getLetter appeal-decision.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: DecideAppealBody,
        response: { 200: AppealResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const { outcome, reasons, agreedAnnualPence } = request.body;
      const row = await runWorkflow(request, (context) =>
        decideAppeal(context, request.params.id, expected, { outcome, reasons, agreedAnnualPence }),
      );
      reply.header('etag', etag(row.version));
      return toAppeal(row);
    },
  );
};

export default appealRoutes;
