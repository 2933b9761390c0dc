import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { READERS, rolesAccess } from '../../../auth/roles.js';
import { notFound } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { createWithWorkflow, runWorkflow } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { findReview, listReviews } from '../../../repositories/reviews.js';
import { toReview } from '../../../representations/reviews.js';
import {
  CalendarDate,
  Id,
  IdempotencyHeaders,
  IdParams,
  IfMatchHeaders,
  Page,
  PageQuery,
  problemResponses,
} from '../../../schemas/common.js';
import { completeReview, REVIEW } from '../../../workflows/complete-review.js';
import { decideClawback } from '../../../workflows/decide-clawback.js';
import { scheduleReview } from '../../../workflows/schedule-review.js';
import { ClawbackDecisionBody, CompleteReviewBody, ReviewKind, ReviewResource, ReviewStatus, ScheduleReviewBody } from './schemas.js';

/** Reviews: after four weeks, every year and whenever the coordinator says; the annual one recommends the clawback. */
const reviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/reviews',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'listReviews',
        tags: ['reviews'],
        summary: 'List reviews, oldest first; overdue=true for those past due and not done',
        querystring: Type.Object(
          {
            budgetId: Type.Optional(Id),
            personId: Type.Optional(Id),
            kind: Type.Optional(ReviewKind),
            status: Type.Optional(ReviewStatus),
            dueBefore: Type.Optional(CalendarDate),
            overdue: Type.Optional(Type.Boolean()),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(ReviewResource), ...problemResponses },
      },
    },
    async (request) => {
      const page = pageRequest(request.query);
      const { budgetId, personId, kind, status, dueBefore, overdue } = request.query;
      const rows = await listReviews(
        app.db,
        scopeOf(request),
        {
          budgetId,
          personId,
          kind: kind,
          status: status,
          dueBefore,
          overdueOn: overdue ? app.clock.today() : undefined,
        },
        page.after,
        page.size + 1,
      );
      return toPage(rows, page, (row) => toReview(row, app.clock.today()));
    },
  );

  app.get(
    '/reviews/:id',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'getReview',
        tags: ['reviews'],
        summary: 'Get a review',
        params: IdParams,
        response: { 200: ReviewResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const row = await findReview(app.db, scopeOf(request), request.params.id);
      if (!row) throw notFound('review', request.params.id);
      reply.header('etag', etag(row.version));
      return toReview(row, app.clock.today());
    },
  );

  app.post(
    '/reviews',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_INPUT', 'PERSON_ERASED'], access: rolesAccess('assessor') },
      schema: {
        operationId: 'scheduleReview',
        tags: ['reviews'],
        summary: 'Schedule an extra review of an agreed budget',
        headers: IdempotencyHeaders,
        body: ScheduleReviewBody,
        response: { 201: ReviewResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      return createWithWorkflow(request, reply, async (context) => {
        const row = await scheduleReview(context, {
          ...request.body,
          kind: request.body.kind,
        });
        return { body: toReview(row, app.clock.today()), headers: { location: `/v1/reviews/${row.id}`, etag: etag(row.version) } };
      });
    },
  );

  app.post(
    '/reviews/:id/completion',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_INPUT', 'PERSON_ERASED'], access: rolesAccess(...REVIEW.steps.complete.roles) },
      schema: {
        operationId: 'completeReview',
        tags: ['reviews'],
        summary: 'Complete a review: outcomes achieved, the person’s experience, and how the money was spent',
        description:
          'Every outcome of the approved plan is rated. An annual review works out the clawback (paid in − spent, less the scheme’s allowance, never more than council money; an overpaid contribution is refunded first) and returns it as a recommendation for finance to confirm, reduce or waive.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: CompleteReviewBody,
        response: { 200: ReviewResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const row = await runWorkflow(request, (context) => completeReview(context, request.params.id, expected, request.body));
      reply.header('etag', etag(row.version));
      return toReview(row, app.clock.today());
    },
  );

  app.post(
    '/reviews/:id/clawback',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_INPUT', 'PERSON_ERASED'], access: rolesAccess(...REVIEW.steps.decideClawback.roles) },
      schema: {
        operationId: 'decideClawback',
        tags: ['reviews'],
        summary: 'Finance confirms, reduces or waives a recommended clawback',
        description:
          'Confirm or reduce records the clawback (and any contribution refund) in the budget account. Reduce and waive need a reason. Never automatic.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: ClawbackDecisionBody,
        response: { 200: ReviewResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const row = await runWorkflow(request, (context) => decideClawback(context, request.params.id, expected, request.body));
      reply.header('etag', etag(row.version));
      return toReview(row, app.clock.today());
    },
  );
};

export default reviewRoutes;
