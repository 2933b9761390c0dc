import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf, READERS, rolesAccess } from '../../../auth/roles.js';
import type { Appeal, PlanStage } from '../../../db/schema.js';
import { assertVersion, invalidState, notFound, unprocessable } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { iso } from '../../../http/iso.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { workflowContext, write } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { createOnce } from '../../../plugins/idempotency.js';
import { findAppeal, insertAppeal, listAppeals, updateAppeal } from '../../../repositories/appeals.js';
import { findAssessment } from '../../../repositories/assessments.js';
import { findBudget } from '../../../repositories/budgets.js';
import { findDecision, findPlan, updatePlan } from '../../../repositories/support-plans.js';
import { Id, IdempotencyHeaders, IdParams, IfMatchHeaders, Page, PageQuery, problemResponses } from '../../../schemas/common.js';
import { upholdAssessmentAppeal } from '../../../workflows/assessment-appeal.js';
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
    assessmentId: row.assessment_id,
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
        summary: 'Appeal a budget, a decision on a support plan, an eligibility decision or a moderation change',
        headers: IdempotencyHeaders,
        body: CreateAppealBody,
        response: { 201: AppealResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const body = request.body;
      // Each subject names exactly its own thing.
      const names = { budget: 'budgetId', 'plan-decision': 'decisionId', eligibility: 'assessmentId', moderation: 'assessmentId' } as const;
      const named = names[body.subject];
      const given = (['budgetId', 'decisionId', 'assessmentId'] as const).filter((field) => body[field] !== undefined);
      if (given.length !== 1 || given[0] !== named)
        throw unprocessable('INVALID_INPUT', `A ${body.subject} appeal names the ${named.replace('Id', '')} it disputes`, [
          { pointer: `/${named}`, detail: `is required for subject ${body.subject} (and the other ids are not used)` },
        ]);
      return createOnce(request, reply, async (tx, changes) => {
        let personId: string;
        let budgetId: string | null = null;
        let planId: string | null = null;
        let assessmentId: string | null = null;
        if (body.subject === 'eligibility' || body.subject === 'moderation') {
          const assessment = await findAssessment(tx, scope, body.assessmentId as string);
          if (!assessment)
            throw unprocessable('INVALID_INPUT', 'The assessment does not exist', [
              { pointer: '/assessmentId', detail: 'is not an assessment you can see' },
            ]);
          if (assessment.status !== 'agreed') throw invalidState('Only a moderated (agreed) assessment has a decision to appeal');
          const moderation = assessment.moderation as { decision?: string } | null;
          if (body.subject === 'moderation' && moderation?.decision !== 'amend')
            throw unprocessable(
              'INVALID_INPUT',
              'The coordinator agreed the answers as the person gave them: there is no change to appeal',
              [{ pointer: '/assessmentId', detail: 'its moderation changed no answer' }],
            );
          if (body.subject === 'eligibility' && (assessment.eligibility as { eligible?: boolean } | null)?.eligible !== false)
            throw unprocessable('INVALID_INPUT', 'The person was found eligible: there is no eligibility decision to appeal', [
              { pointer: '/assessmentId', detail: 'the person is eligible' },
            ]);
          personId = assessment.person_id;
          assessmentId = assessment.id;
        } else if (body.subject === 'budget') {
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
          assessmentId,
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
          'An upheld budget appeal may set agreedAnnualPence: the panel’s amount outside the RAS, recorded with the reasons, replacing the RAS amount in the budget (while it is indicative). An upheld appeal against a plan decision puts the plan back before that stage. An upheld eligibility appeal finds the person eligible (a budget can then be set). An upheld moderation appeal brings back the person’s own answers and submits the assessment for moderation again, superseding an indicative budget set from the changed answers (409 if a budget was agreed from them: appeal the budget). The person’s letter is getLetter appeal-decision.',
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
            { tx, rules: app.rules, scope, changes, clock: app.clock },
            budget,
            { annualPence: agreedAnnualPence, reasons },
            { appealId: before.id },
          );
        }
        if (outcome === 'upheld' && (before.subject === 'eligibility' || before.subject === 'moderation'))
          await upholdAssessmentAppeal(workflowContext(request, tx, changes), before, reasons);
        if (outcome === 'upheld' && before.subject === 'plan-decision') {
          const decision = await findDecision(tx, scope.councilId, before.decision_id as string);
          const plan = await findPlan(tx, scope, before.plan_id as string, { forUpdate: true });
          if (decision && plan && (plan.status === 'returned' || plan.status === 'rejected')) {
            const reopened = await updatePlan(
              tx,
              scope.councilId,
              plan.id,
              { status: 'submitted', stage: decision.stage as PlanStage },
              app.clock.now(),
            );
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
        const after = await updateAppeal(
          tx,
          scope.councilId,
          before.id,
          { status: outcome, decision: JSON.stringify(decision) },
          app.clock.now(),
        );
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
