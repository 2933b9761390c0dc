import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, READERS, rolesAccess } from '../../../auth/roles.js';
import type { Appeal, PlanStage } from '../../../db/schema.js';
import { invalidState, notFound, unprocessable } from '../../../errors.js';
import { assertVersion, etag, requireIfMatch } from '../../../http/etag.js';
import { iso } from '../../../http/iso.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { write } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { createOnce } from '../../../plugins/idempotency.js';
import { findAppeal, insertAppeal, listAppeals, updateAppeal } from '../../../repositories/appeals.js';
import { findBudget } from '../../../repositories/budgets.js';
import { findDecision, findPlan, updatePlan } from '../../../repositories/support-plans.js';
import { Id, IdempotencyHeaders, IdParams, IfMatchHeaders, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { setPanelAmount } from '../../../workflows/set-panel-amount.js';
import { AppealResource, AppealStatus, CreateAppealBody, DecideAppealBody } from './schemas.js';

function toAppeal(row: Appeal) {
  return {
    id: row.id,
    personId: row.person_id,
    subject: row.subject,
    budgetId: row.budget_id,
    planId: row.plan_id,
    decisionId: row.decision_id,
    lodgedBy: row.lodged_by,
    reason: row.reason,
    status: row.status,
    decision: row.decision as never,
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function appealEvent(row: Appeal) {
  return {
    id: row.id,
    personId: row.person_id,
    subject: row.subject,
    budgetId: row.budget_id,
    planId: row.plan_id,
    status: row.status,
    version: row.version,
  };
}

/** Appeals: a person (or their agent, or a portal for them) disagrees with a budget or a plan decision; the panel decides. */
const appealRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/appeals',
    {
      config: {
        problems: ['NOT_FOUND', 'INVALID_STATE', 'INVALID_INPUT'],
        access: rolesAccess('portal', 'assessor', 'admin', 'integration'),
      },
      schema: {
        operationId: 'createAppeal',
        tags: ['plans'],
        summary: 'Appeal a budget or a decision on a support plan',
        headers: IdempotencyHeaders,
        body: CreateAppealBody,
        response: { 201: AppealResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const body = request.body;
      if (body.subject === 'budget' && (body.budgetId === undefined || body.decisionId !== undefined)) {
        throw unprocessable('INVALID_INPUT', 'A budget appeal names the budget', [
          { pointer: '/budgetId', detail: 'is required for subject budget (and decisionId is not used)' },
        ]);
      }
      if (body.subject === 'plan-decision' && (body.decisionId === undefined || body.budgetId !== undefined)) {
        throw unprocessable('INVALID_INPUT', 'A plan-decision appeal names the decision', [
          { pointer: '/decisionId', detail: 'is required for subject plan-decision (and budgetId is not used)' },
        ]);
      }
      return createOnce(request, reply, async (tx, changes) => {
        let personId: string;
        let budgetId: string | null = null;
        let planId: string | null = null;
        if (body.subject === 'budget') {
          const budget = await findBudget(tx, scope, body.budgetId as string);
          if (!budget)
            throw unprocessable('INVALID_INPUT', 'The budget does not exist', [
              { pointer: '/budgetId', detail: 'is not a budget you can see' },
            ]);
          personId = budget.person_id;
          budgetId = budget.id;
        } else {
          const decision = await findDecision(tx, scope.councilId, body.decisionId as string);
          const plan = decision && (await findPlan(tx, scope, decision.plan_id));
          if (!decision || !plan)
            throw unprocessable('INVALID_INPUT', 'The decision does not exist', [
              { pointer: '/decisionId', detail: 'is not a decision you can see' },
            ]);
          personId = plan.person_id;
          planId = plan.id;
          budgetId = plan.budget_id;
        }
        const row = await insertAppeal(tx, scope.councilId, {
          personId,
          subject: body.subject as Appeal['subject'],
          budgetId,
          planId,
          decisionId: body.decisionId ?? null,
          lodgedBy: scope.portalKeyId !== null ? 'portal' : ((body.lodgedBy as Appeal['lodged_by'] | undefined) ?? 'person'),
          reason: body.reason,
          createdByKeyId: request.principal.kind === 'key' ? request.principal.keyId : null,
        });
        changes.record({ action: 'appeal.lodged', entityType: 'appeal', entityId: row.id, after: appealEvent(row) });
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
        { personId: request.query.personId, status: request.query.status as Appeal['status'] | undefined },
        page.after,
        page.size + 1,
      );
      return toPage(rows, page, toAppeal);
    },
  );

  app.post(
    '/appeals/:id/decision',
    {
      config: { problems: ['INVALID_STATE', 'SAME_ACTOR', 'INVALID_INPUT'], access: rolesAccess('panel') },
      schema: {
        operationId: 'decideAppeal',
        tags: ['plans'],
        summary: 'The panel decides an appeal',
        description:
          'An upheld budget appeal may set agreedAnnualPence: the panel’s amount outside the RAS, recorded with the reasons, replacing the RAS amount in the budget (while it is indicative). An upheld appeal against a plan decision puts the plan back before that stage.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: DecideAppealBody,
        response: { 200: AppealResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const scope = scopeOf(request);
      const { outcome, reasons, agreedAnnualPence } = request.body;
      const row = await write(request, async (tx, changes) => {
        const before = await findAppeal(tx, scope, request.params.id, { forUpdate: true });
        if (!before) throw notFound('appeal', request.params.id);
        assertVersion(expected, before.version);
        if (before.status !== 'lodged') throw invalidState(`The appeal is already decided (${before.status})`);
        if (agreedAnnualPence !== undefined && (outcome !== 'upheld' || before.subject !== 'budget')) {
          throw unprocessable('INVALID_INPUT', 'Only an upheld budget appeal sets an agreed amount', [
            { pointer: '/agreedAnnualPence', detail: 'applies only to an upheld budget appeal' },
          ]);
        }
        if (outcome === 'upheld' && before.subject === 'budget' && agreedAnnualPence !== undefined) {
          const budget = await findBudget(tx, scope, before.budget_id as string, { forUpdate: true });
          if (!budget) throw notFound('budget', before.budget_id as string);
          await setPanelAmount(
            { tx, rules: app.rules, scope, changes },
            budget,
            { annualPence: agreedAnnualPence, reasons },
            { appealId: before.id },
          );
        }
        if (outcome === 'upheld' && before.subject === 'plan-decision') {
          const decision = await findDecision(tx, scope.councilId, before.decision_id as string);
          const plan = await findPlan(tx, scope, before.plan_id as string, { forUpdate: true });
          if (decision && plan && (plan.status === 'returned' || plan.status === 'rejected')) {
            const reopened = await updatePlan(tx, scope.councilId, plan.id, { status: 'submitted', stage: decision.stage as PlanStage });
            changes.record({
              action: 'support-plan.reopened',
              entityType: 'support-plan',
              entityId: plan.id,
              after: { id: plan.id, status: reopened.status, stage: reopened.stage, appealId: before.id },
            });
          }
        }
        const decision = {
          outcome,
          reasons,
          agreedAnnualPence: agreedAnnualPence ?? null,
          decidedBy: actorOf(request.principal),
          decidedAt: app.clock.now().toISOString(),
        };
        const after = await updateAppeal(tx, scope.councilId, before.id, { status: outcome, decision: JSON.stringify(decision) });
        changes.record({
          action: `appeal.${outcome}`,
          entityType: 'appeal',
          entityId: after.id,
          before: appealEvent(before),
          after: appealEvent(after),
        });
        return after;
      });
      reply.header('etag', etag(row.version));
      return toAppeal(row);
    },
  );
};

export default appealRoutes;
