import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { READERS, rolesAccess } from '../../../auth/roles.js';
import { notFound } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { createWithWorkflow, runWorkflow } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { findBudget, listBudgets } from '../../../repositories/budgets.js';
import { toBudget } from '../../../representations/budgets.js';
import { Id, IdempotencyHeaders, IdParams, IfMatchHeaders, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { createIndicativeBudget } from '../../../workflows/create-budget.js';
import { BUDGET, endBudget } from '../../../workflows/end-budget.js';
import { BudgetResource, BudgetStatus, CreateBudgetBody, EndBudgetBody } from './schemas.js';

/** Budgets: the indicative personal budget from an agreed assessment, then its life. */
const budgetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/budgets',
    {
      config: {
        problems: ['NOT_FOUND', 'INVALID_INPUT', 'NO_SCHEME_IN_FORCE', 'ASSESSMENT_NOT_AGREED', 'NOT_ELIGIBLE', 'PERSON_ERASED'],
        access: rolesAccess('admin', 'assessor', 'integration'),
      },
      schema: {
        operationId: 'createBudget',
        tags: ['budgets'],
        summary: 'Work out and record the indicative budget for an agreed assessment',
        description:
          'Uses the scheme in force on startDate for the person’s client group and the assessment’s questionnaire (422 NO_SCHEME_IN_FORCE when there is none). 422 unless the assessment is agreed and the person eligible. A case above the ceiling carries a referral.',
        headers: IdempotencyHeaders,
        body: CreateBudgetBody,
        response: { 201: BudgetResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { assessmentId, startDate, contributionCollection, ...input } = request.body;
      return createWithWorkflow(request, reply, async (context) => {
        const row = await createIndicativeBudget(context, {
          assessmentId,
          startDate,
          ...input,
          contributionCollection: contributionCollection ?? null,
        });
        return { body: toBudget(row), headers: { location: `/v1/budgets/${row.id}`, etag: etag(row.version) } };
      });
    },
  );

  app.get(
    '/budgets/:id',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'getBudget',
        tags: ['budgets'],
        summary: 'Get a budget with its breakdown',
        params: IdParams,
        response: { 200: BudgetResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const row = await findBudget(app.db, scopeOf(request), request.params.id);
      if (!row) throw notFound('budget', request.params.id);
      reply.header('etag', etag(row.version));
      return toBudget(row);
    },
  );

  app.post(
    '/budgets/:id/end',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_INPUT', 'PERSON_ERASED'], access: rolesAccess(...BUDGET.steps.end.roles) },
      schema: {
        operationId: 'endBudget',
        tags: ['budgets'],
        summary: 'End an agreed budget: support stops on a date',
        description:
          'For a person who moved away, died or no longer needs support. Council instalments due after endDate are not paid; the account stays open for the last review. The person’s retention period counts from the end. Needs If-Match.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: EndBudgetBody,
        response: { 200: BudgetResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const row = await runWorkflow(request, (context) =>
        endBudget(context, request.params.id, expected, request.body.endDate, request.body.reason),
      );
      reply.header('etag', etag(row.version));
      return toBudget(row);
    },
  );

  app.get(
    '/budgets',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'listBudgets',
        tags: ['budgets'],
        summary: 'List budgets, oldest first',
        querystring: Type.Object(
          { personId: Type.Optional(Id), assessmentId: Type.Optional(Id), status: Type.Optional(BudgetStatus), ...PageQuery },
          { additionalProperties: false },
        ),
        response: { 200: Page(BudgetResource), ...problemResponses },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const { personId, assessmentId, status } = request.query;
      const rows = await listBudgets(app.db, scopeOf(request), { personId, assessmentId, status }, page.after, page.size + 1);
      return toPage(rows, page, toBudget);
    },
  );
};

export default budgetRoutes;
