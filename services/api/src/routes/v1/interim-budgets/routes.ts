import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { type TSchema, Type } from 'typebox';
import { READERS, rolesAccess } from '../../../auth/roles.js';
import type { DB, InterimBudget } from '../../../db/schema.js';
import type { ErrorCode } from '../../../errors.js';
import { notFound } from '../../../errors.js';
import { etag } from '../../../http/etag.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { createWithWorkflow, runWorkflow } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { findInterimBudget, listInterimBudgets, paymentsOfInterimBudgets } from '../../../repositories/interim-budgets.js';
import { toInterimBudget } from '../../../representations/interim-budgets.js';
import { Id, IdempotencyHeaders, IdParams, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import {
  createInterimBudget,
  INTERIM_BUDGET,
  reconcileInterimBudget,
  recordInterimPayment,
  reviewInterimBudget,
} from '../../../workflows/interim-budgets.js';
import {
  CreateInterimBudgetBody,
  InterimBudgetResource,
  InterimPaymentBody,
  InterimReconciliationBody,
  InterimReviewBody,
} from './schemas.js';

/** Interim budgets as the API shows them: their payments read in one go for the page. */
async function shown(db: Kysely<DB> | Transaction<DB>, rows: readonly InterimBudget[]) {
  const [first] = rows;
  if (!first) return [];
  const payments = await paymentsOfInterimBudgets(
    db,
    first.council_id,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toInterimBudget(row, payments.get(row.id) ?? []));
}

async function shownOne(db: Kysely<DB> | Transaction<DB>, row: InterimBudget) {
  return toInterimBudget(row, (await paymentsOfInterimBudgets(db, row.council_id, [row.id])).get(row.id) ?? []);
}

/** Interim support in a crisis: a time-limited budget before the plan is agreed, paid, reviewed, reconciled. */
const interimBudgetRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/interim-budgets',
    {
      config: {
        problems: ['INVALID_INPUT', 'INVALID_STATE', 'ALREADY_EXISTS', 'PERSON_ERASED'],
        access: rolesAccess(...INTERIM_BUDGET.setUpBy),
      },
      schema: {
        operationId: 'createInterimBudget',
        tags: ['money'],
        summary: 'Set interim support in a crisis, before the plan is agreed',
        description:
          'A weekly amount from startDate to endDate, at most settings.interimMaxWeeks (default 12) weeks (422 naming /endDate beyond it); the total is weekly × days ÷ 7 to the penny. Reviewed on reviewOn (default the end date). One running at a time for a person (409 ALREADY_EXISTS with existingId), and not while an agreed budget runs for them (409: its contingency is for a crisis). Paid with recordInterimPayment, reviewed with reviewInterimBudget, and reconciled into the agreed budget with reconcileInterimBudget.',
        headers: IdempotencyHeaders,
        body: CreateInterimBudgetBody,
        response: { 201: InterimBudgetResource, ...problemResponses },
      },
    },
    async (request, reply) =>
      createWithWorkflow(request, reply, async (context) => {
        const row = await createInterimBudget(context, request.body);
        return {
          body: await shownOne(context.tx, row),
          headers: { location: `/v1/interim-budgets/${row.id}`, etag: etag(row.version) },
        };
      }),
  );

  app.get(
    '/interim-budgets',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'listInterimBudgets',
        tags: ['money'],
        summary: 'Interim budgets, oldest first; a person’s with personId',
        querystring: Type.Object({ ...PageQuery, personId: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: Page(InterimBudgetResource), ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const page = pageRequest(request.query);
      const rows = await listInterimBudgets(app.db, scope, request.query.personId, page.after, page.size + 1);
      const { nextPageToken } = toPage(rows, page, (row) => row.id);
      return { items: await shown(app.db, rows.slice(0, page.size)), nextPageToken };
    },
  );

  app.get(
    '/interim-budgets/:id',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'getInterimBudget',
        tags: ['money'],
        summary: 'An interim budget with its payments, reviews and reconciliation',
        params: IdParams,
        response: { 200: InterimBudgetResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const row = await findInterimBudget(app.db, scopeOf(request), request.params.id);
      if (!row) throw notFound('interim budget', request.params.id);
      reply.header('etag', etag(row.version));
      return shownOne(app.db, row);
    },
  );

  // The three actions on interim support share their shape: the body each takes, then the
  // interim support as it now stands.
  const action = <B extends TSchema>(
    operationId: string,
    summary: string,
    description: string,
    access: ReturnType<typeof rolesAccess>,
    body: B,
    problems: readonly ErrorCode[] = [],
  ) => ({
    config: { problems: ['INVALID_INPUT', 'INVALID_STATE', ...problems] satisfies ErrorCode[], access },
    schema: {
      operationId,
      tags: ['money'],
      summary,
      description,
      params: IdParams,
      body,
      response: { 200: InterimBudgetResource, ...problemResponses },
    },
  });
  const answer = (reply: FastifyReply, row: InterimBudget) => {
    reply.header('etag', etag(row.version));
    return shownOne(app.db, row);
  };

  app.post(
    '/interim-budgets/:id/payments',
    action(
      'recordInterimPayment',
      'Record a payment of interim support',
      'Paid on a day the interim support runs (422 /paidOn otherwise), and never more in all than its total (422 /amountPence naming what is left).',
      rolesAccess(...INTERIM_BUDGET.steps.pay.roles),
      InterimPaymentBody,
      ['PERSON_ERASED'],
    ),
    async (request, reply) =>
      answer(reply, await runWorkflow(request, (context) => recordInterimPayment(context, request.params.id, request.body))),
  );
  app.post(
    '/interim-budgets/:id/review',
    action(
      'reviewInterimBudget',
      'Review interim support: continue it to a new end date, or end it',
      'continue needs endDate, still within settings.interimMaxWeeks of the start; end closes it on endDate (default reviewedOn), never before what was already paid is covered. The total is worked out again for the new dates.',
      rolesAccess(...INTERIM_BUDGET.steps.extend.roles),
      InterimReviewBody,
      ['PERSON_ERASED'],
    ),
    async (request, reply) =>
      answer(reply, await runWorkflow(request, (context) => reviewInterimBudget(context, request.params.id, request.body))),
  );
  app.post(
    '/interim-budgets/:id/reconciliation',
    action(
      'reconcileInterimBudget',
      'Reconcile interim support into the person’s agreed budget',
      'Interim money paid on or after the agreed budget’s start was for the budget’s own period: each such payment is recorded in the budget’s account as a council payment (so its instalments owe that much less and the payment run pays nothing twice); money paid before the start stays the interim support’s. The interim support ends the day before the budget starts. The budget must be the person’s and agreed (422 /budgetId, 409).',
      rolesAccess(...INTERIM_BUDGET.steps.reconcile.roles),
      InterimReconciliationBody,
      ['PERSON_ERASED'],
    ),
    async (request, reply) =>
      answer(reply, await runWorkflow(request, (context) => reconcileInterimBudget(context, request.params.id, request.body.budgetId))),
  );
};

export default interimBudgetRoutes;
