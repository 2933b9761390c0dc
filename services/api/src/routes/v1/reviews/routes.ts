import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { addMonths, type ClawbackRule, calculateClawback, DEFAULT_CLAWBACK, daysBetween, multiplyDivide, type SupportPlan } from 'ras-core';
import { Type } from 'typebox';
import { actorOf, READERS, rolesAccess } from '../../../auth/roles.js';
import type { Review } from '../../../db/schema.js';
import { invalidState, notFound, unprocessable } from '../../../errors.js';
import { assertVersion, etag, requireIfMatch } from '../../../http/etag.js';
import { iso } from '../../../http/iso.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { write } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { createOnce } from '../../../plugins/idempotency.js';
import { summariseAccount } from '../../../rules/budget-account.js';
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
import { findScheme } from '../allocation-schemes/repository.js';
import { findAgreement, insertTransaction, listTransactions } from '../budget-accounts/repository.js';
import { createIndicativeBudget } from '../budgets/create.js';
import { findBudget } from '../budgets/repository.js';
import { listPlans } from '../support-plans/repository.js';
import { findReview, insertReview, listReviews, updateReview } from './repository.js';
import { ClawbackDecisionBody, CompleteReviewBody, ReviewKind, ReviewResource, ReviewStatus, ScheduleReviewBody } from './schemas.js';

const today = () => new Date().toISOString().slice(0, 10);

export function toReview(row: Review) {
  return {
    id: row.id,
    budgetId: row.budget_id,
    personId: row.person_id,
    kind: row.kind,
    dueDate: row.due_date,
    status: row.status,
    overdue: row.status === 'scheduled' && row.due_date < today(),
    outcome: row.outcome as never,
    clawback: row.clawback as never,
    completedAt: iso(row.completed_at),
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function reviewEvent(row: Review) {
  return {
    id: row.id,
    budgetId: row.budget_id,
    personId: row.person_id,
    kind: row.kind,
    dueDate: row.due_date,
    status: row.status,
    version: row.version,
  };
}

/** Whole weeks (to 2 decimal places, rounded down) from the start of a budget to a date, at most a year. */
function weeksFrom(start: string, end: string, weeksPerYear: number): number {
  const days = Math.max(0, daysBetween(start, end));
  const hundredths = multiplyDivide(days, 100, 7, 'down');
  return Math.min(hundredths, Math.round(weeksPerYear * 100)) / 100;
}

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
          kind: kind as Review['kind'] | undefined,
          status: status as Review['status'] | undefined,
          dueBefore,
          overdueOn: overdue ? today() : undefined,
        },
        page.after,
        page.size + 1,
      );
      return toPage(rows, page, toReview);
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
      return toReview(row);
    },
  );

  app.post(
    '/reviews',
    {
      config: { access: rolesAccess('assessor') },
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
      const scope = scopeOf(request);
      return createOnce(request, reply, async (tx, changes) => {
        const budget = await findBudget(tx, scope, request.body.budgetId);
        if (!budget)
          throw unprocessable('INVALID_INPUT', 'The budget does not exist', [
            { pointer: '/budgetId', detail: 'is not a budget you can see' },
          ]);
        if (budget.status !== 'agreed') throw invalidState(`Only an agreed budget is reviewed; this one is ${budget.status}`);
        const row = await insertReview(tx, scope.councilId, {
          budgetId: budget.id,
          personId: budget.person_id,
          kind: request.body.kind as Review['kind'],
          dueDate: request.body.dueDate,
        });
        changes.record({ action: 'review.scheduled', entityType: 'review', entityId: row.id, after: reviewEvent(row) });
        return { body: toReview(row), headers: { location: `/v1/reviews/${row.id}`, etag: etag(row.version) } };
      });
    },
  );

  app.post(
    '/reviews/:id/completion',
    {
      config: { access: rolesAccess('assessor') },
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
      const scope = scopeOf(request);
      const body = request.body;
      const row = await write(request, async (tx, changes) => {
        const before = await findReview(tx, scope, request.params.id, { forUpdate: true });
        if (!before) throw notFound('review', request.params.id);
        assertVersion(expected, before.version);
        if (before.status !== 'scheduled') throw invalidState(`The review is already ${before.status}`);
        const budget = await findBudget(tx, scope, before.budget_id, { forUpdate: true });
        if (!budget) throw notFound('budget', before.budget_id);
        const [plan] = await listPlans(
          tx,
          { councilId: scope.councilId, portalKeyId: null },
          { budgetId: budget.id, status: 'approved' },
          null,
          1,
        );
        const planOutcomes = ((plan?.plan as SupportPlan | undefined)?.outcomes ?? []) as SupportPlan['outcomes'];
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
        if (problems.length > 0) throw unprocessable('INVALID_INPUT', 'The review does not fit the approved plan: see errors', problems);

        const completedOn = body.completedOn ?? today();
        let clawback: Record<string, unknown> | null = null;
        if (before.kind === 'annual') {
          const scheme = await findScheme(tx, scope.councilId, budget.scheme_id);
          const definition = (scheme?.definition ?? {}) as { clawback?: ClawbackRule; weeksPerYear?: number };
          const weeksPerYear = definition.weeksPerYear ?? 52;
          const rule = definition.clawback ?? DEFAULT_CLAWBACK;
          const agreement = await findAgreement(tx, scope.councilId, budget.id);
          const account = summariseAccount(
            await listTransactions(tx, scope.councilId, budget.id),
            agreement?.instalments ?? [],
            completedOn,
          );
          const periodWeeks = weeksFrom(budget.start_date, completedOn, weeksPerYear);
          const contributionDuePence = multiplyDivide(
            agreement?.agreement.weekly_contribution_pence ?? 0,
            Math.round(periodWeeks * 100),
            100,
            'half-up',
          );
          // The allowance is a share of what the council funds: clawback concerns council money only.
          const result = calculateClawback({
            annualPence: budget.council_annual_pence,
            periodWeeks,
            weeksPerYear,
            councilPaidPence: account.councilPaidPence,
            personPaidPence: account.personPaidPence,
            contributionDuePence,
            // What is unspent is what the account holds: spending, refunds and adjustments all show there.
            spentPence: Math.max(0, account.councilPaidPence + account.personPaidPence - account.balancePence),
            rule,
          });
          clawback = { annualPence: budget.council_annual_pence, periodWeeks, rule, ...result, decision: null };
        }
        let nextBudgetId: string | null = null;
        if (body.nextAssessmentId !== undefined) {
          const next = await createIndicativeBudget(app, tx, changes, scope, {
            assessmentId: body.nextAssessmentId,
            startDate: addMonths(budget.start_date, 12),
            contributionCollection: budget.contribution_collection,
          });
          nextBudgetId = next.id;
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
        };
        const after = await updateReview(tx, scope.councilId, before.id, {
          status: 'completed',
          completed_at: new Date(),
          outcome: JSON.stringify(outcome),
          clawback: clawback === null ? null : JSON.stringify(clawback),
        });
        changes.record({
          action: 'review.completed',
          entityType: 'review',
          entityId: after.id,
          before: reviewEvent(before),
          after: {
            ...reviewEvent(after),
            onTime: outcome.onTime,
            recommendedClawbackPence: (clawback?.clawbackPence as number | undefined) ?? null,
            nextBudgetId,
          },
        });
        return after;
      });
      reply.header('etag', etag(row.version));
      return toReview(row);
    },
  );

  app.post(
    '/reviews/:id/clawback',
    {
      config: { access: rolesAccess('finance') },
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
      const scope = scopeOf(request);
      const { decision, amountPence, reason } = request.body;
      if (decision !== 'confirm' && reason === undefined)
        throw unprocessable('INVALID_INPUT', 'Say why the clawback is reduced or waived', [
          { pointer: '/reason', detail: `is required to ${decision}` },
        ]);
      if ((decision === 'reduce') !== (amountPence !== undefined)) {
        throw unprocessable('INVALID_INPUT', 'amountPence goes with reduce, and only with reduce', [
          { pointer: '/amountPence', detail: decision === 'reduce' ? 'is required to reduce' : 'applies only to reduce' },
        ]);
      }
      const row = await write(request, async (tx, changes) => {
        const before = await findReview(tx, scope, request.params.id, { forUpdate: true });
        if (!before) throw notFound('review', request.params.id);
        assertVersion(expected, before.version);
        const recommendation = before.clawback as { clawbackPence: number; contributionRefundPence: number; decision: unknown } | null;
        if (before.status !== 'completed' || recommendation === null)
          throw invalidState('Only a completed annual review has a clawback to decide');
        if (recommendation.decision !== null) throw invalidState('The clawback has already been decided');
        if (decision === 'reduce' && (amountPence as number) >= recommendation.clawbackPence) {
          throw unprocessable('INVALID_INPUT', 'A reduced clawback is less than the recommendation', [
            { pointer: '/amountPence', detail: `must be less than ${recommendation.clawbackPence}` },
          ]);
        }
        const amount = decision === 'confirm' ? recommendation.clawbackPence : decision === 'reduce' ? (amountPence as number) : 0;
        const transactionIds: string[] = [];
        const on = today();
        const record = async (kind: 'clawback' | 'contribution-refund', pence: number, description: string) => {
          if (pence <= 0) return;
          const entry = await insertTransaction(tx, scope.councilId, {
            budgetId: before.budget_id,
            kind,
            direction: -1,
            amountPence: pence,
            occurredOn: on,
            category: null,
            planLine: null,
            managedBy: null,
            instalmentNumber: null,
            description,
            reversesId: null,
            createdBy: actorOf(request.principal),
          });
          transactionIds.push(entry.id);
          changes.record({
            action: 'transaction.recorded',
            entityType: 'budget-transaction',
            entityId: entry.id,
            after: { id: entry.id, budgetId: before.budget_id, kind, amountPence: pence },
          });
        };
        // The person's overpaid contribution goes back to them whatever finance decides about council money.
        await record(
          'contribution-refund',
          recommendation.contributionRefundPence,
          `Overpaid contribution refunded at review ${before.id}`,
        );
        await record(
          'clawback',
          amount,
          `Clawback ${decision === 'confirm' ? 'confirmed' : 'reduced'} at review ${before.id}${reason ? `: ${reason}` : ''}`,
        );
        const decided = {
          decision,
          amountPence: amount,
          reason: reason ?? null,
          decidedBy: actorOf(request.principal),
          decidedAt: new Date().toISOString(),
          transactionIds,
        };
        const after = await updateReview(tx, scope.councilId, before.id, {
          clawback: JSON.stringify({ ...recommendation, decision: decided }),
        });
        changes.record({
          action: 'review.clawback-decided',
          entityType: 'review',
          entityId: after.id,
          before: reviewEvent(before),
          after: { ...reviewEvent(after), decision, amountPence: amount },
        });
        return after;
      });
      reply.header('etag', etag(row.version));
      return toReview(row);
    },
  );
};

export default reviewRoutes;
