import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { keyIdOf, READERS, rolesAccess, rolesOf } from '../../../auth/roles.js';
import type { PlanContext } from '../../../db/rows.js';
import type { Db, SupportPlanRow } from '../../../db/schema.js';
import { notFound } from '../../../errors.js';
import { etag, requireIfMatch } from '../../../http/etag.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { createWithWorkflow, runWorkflow } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { listRevisions } from '../../../repositories/plan-revisions.js';
import { findPlan, findPlanContext, findPlanContexts, listPlans } from '../../../repositories/support-plans.js';
import { toRevision } from '../../../representations/plan-revisions.js';
import { toPlan } from '../../../representations/support-plans.js';
import {
  ActorHeader,
  Id,
  IdempotencyHeaders,
  IdParams,
  IfMatchHeaders,
  Page,
  PageQuery,
  problemResponses,
} from '../../../schemas/common.js';
import { assertMayDecide, decidePlan } from '../../../workflows/decide-plan.js';
import { decidePlanRevision, PLAN_REVISION, reviseSupportPlan } from '../../../workflows/revise-plan.js';
import { createSupportPlan, SUPPORT_PLAN, submitSupportPlan, updateSupportPlan } from '../../../workflows/support-plans.js';
import {
  CreatePlanBody,
  DecisionBody,
  PlanResource,
  PlanRevisionResource,
  PlanStage as PlanStageSchema,
  PlanStatus,
  RevisionBody,
  RevisionDecisionBody,
  RevisionParams,
  UpdatePlanBody,
} from './schemas.js';

const DecisionHeaders = Type.Object({ ...IfMatchHeaders.properties, ...ActorHeader });

/** Who may call each step: the state machine's own table. */
/** A plan as the API shows it, with the context it is judged in (its budget, decisions, contribution). */
async function shownPlan(db: Db, row: SupportPlanRow) {
  return toPlan(row, await findPlanContext(db, row.council_id, row));
}

const mayTake = (step: keyof typeof SUPPORT_PLAN.steps) => rolesAccess(...SUPPORT_PLAN.steps[step].roles);

/** Support plans: written by the person, agreed by coordinator, team manager and panel. */
const supportPlanRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/support-plans',
    {
      config: { problems: ['NOT_FOUND', 'INVALID_STATE', 'INVALID_INPUT', 'PERSON_ERASED'], access: mayTake('update') },
      schema: {
        operationId: 'createSupportPlan',
        tags: ['plans'],
        summary: 'Write a support plan for an indicative budget (draft)',
        headers: IdempotencyHeaders,
        body: CreatePlanBody,
        response: { 201: PlanResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { budgetId, ...written } = request.body;
      return createWithWorkflow(request, reply, async (context) => {
        const row = await createSupportPlan(context, {
          budgetId,
          plan: written,
          createdByKeyId: keyIdOf(request.principal),
        });
        return {
          body: await shownPlan(context.tx, row),
          headers: { location: `/v1/support-plans/${row.id}`, etag: etag(row.version) },
        };
      });
    },
  );

  app.put(
    '/support-plans/:id',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_INPUT', 'PERSON_ERASED'], access: mayTake('update') },
      schema: {
        operationId: 'updateSupportPlan',
        tags: ['plans'],
        summary: 'Replace the content of a draft or returned plan',
        params: IdParams,
        headers: IfMatchHeaders,
        body: UpdatePlanBody,
        response: { 200: PlanResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const body = await runWorkflow(request, async (context) => {
        const after = await updateSupportPlan(context, request.params.id, expected, request.body);
        return shownPlan(context.tx, after);
      });
      reply.header('etag', etag(body.version));
      return body;
    },
  );

  app.get(
    '/support-plans/:id',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'getSupportPlan',
        tags: ['plans'],
        summary: 'A support plan with its costing, the panel checklist and its decisions',
        params: IdParams,
        response: { 200: PlanResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const row = await findPlan(app.db, scope, request.params.id);
      if (!row) throw notFound('support plan', request.params.id);
      reply.header('etag', etag(row.version));
      return shownPlan(app.db, row);
    },
  );

  app.get(
    '/support-plans',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'listSupportPlans',
        tags: ['plans'],
        summary: 'List support plans, oldest first; e.g. the panel’s queue with stage=panel',
        querystring: Type.Object(
          {
            budgetId: Type.Optional(Id),
            personId: Type.Optional(Id),
            status: Type.Optional(PlanStatus),
            stage: Type.Optional(PlanStageSchema),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(PlanResource), ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const page = pageRequest(request.query);
      const { budgetId, personId, status, stage } = request.query;
      const rows = await listPlans(app.db, scope, { budgetId, personId, status, stage: stage }, page.after, page.size + 1);
      const contexts = await findPlanContexts(app.db, scope.councilId, rows.slice(0, page.size));
      return toPage(rows, page, (row) => toPlan(row, contexts.get(row.id) as PlanContext));
    },
  );

  app.post(
    '/support-plans/:id/submit',
    {
      config: { problems: ['INVALID_STATE', 'INVALID_INPUT', 'PERSON_ERASED'], access: mayTake('submit') },
      schema: {
        operationId: 'submitSupportPlan',
        tags: ['plans'],
        summary: 'Submit a draft or returned plan for decision (to the coordinator first)',
        params: IdParams,
        headers: IfMatchHeaders,
        response: { 200: PlanResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const body = await runWorkflow(request, async (context) => {
        const after = await submitSupportPlan(context, request.params.id, expected);
        return shownPlan(context.tx, after);
      });
      reply.header('etag', etag(body.version));
      return body;
    },
  );

  app.post(
    '/support-plans/:id/revisions',
    {
      config: {
        problems: ['INVALID_STATE', 'INVALID_INPUT', 'REVISION_NEEDS_APPROVAL', 'PERSON_ERASED'],
        access: rolesAccess(...SUPPORT_PLAN.steps.revise.roles),
      },
      schema: {
        operationId: 'reviseSupportPlan',
        tags: ['plans'],
        summary: 'Revise an approved (live) plan within its budget, from a date',
        description:
          'Plans are kept live so people can change things quickly (seed 000 step 17). The care coordinator approves a revision alone when the money it moves is inside the council’s limits (settings.planRevision, default 10% of the budget) and it brings no new way of managing, no new funder and no new unresolved risk: it is in force from effectiveFrom at once (201, status approved, the plan’s ETag moves on). Anything else is 409 REVISION_NEEDS_APPROVAL naming each rule, or, with throughChain, waits for team manager then panel (201, status pending; decidePlanRevision). A revision stays within the budget (422 naming /lines), runs from a date inside the budget and not before the plan last changed (422 /effectiveFrom), and waits while another revision is pending (409). Every version is kept (listPlanRevisions); the payment run and the account follow the plan in force on each date; the person’s letter is getLetter plan-revision.',
        params: IdParams,
        headers: IfMatchHeaders,
        body: RevisionBody,
        response: { 201: PlanRevisionResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const { effectiveFrom, reason, throughChain, ...content } = request.body;
      const { revision, plan } = await runWorkflow(request, (context) =>
        reviseSupportPlan(context, request.params.id, expected, { plan: content, effectiveFrom, reason, throughChain }),
      );
      reply.header('etag', etag(plan.version));
      reply.code(201);
      return toRevision(revision);
    },
  );

  app.get(
    '/support-plans/:id/revisions',
    {
      config: { access: rolesAccess(...READERS) },
      schema: {
        operationId: 'listPlanRevisions',
        tags: ['plans'],
        summary: 'Every revision of a live plan, in order, each with the plan it replaced',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(PlanRevisionResource) }), ...problemResponses },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const plan = await findPlan(app.db, scope, request.params.id);
      if (!plan) throw notFound('support plan', request.params.id);
      return { items: (await listRevisions(app.db, scope.councilId, plan.id)).map(toRevision) };
    },
  );

  app.post(
    '/support-plans/:id/revisions/:number/decisions',
    {
      config: { problems: ['INVALID_STATE', 'PERSON_ERASED'], access: rolesAccess(...PLAN_REVISION.steps.approve.roles) },
      schema: {
        operationId: 'decidePlanRevision',
        tags: ['plans'],
        summary: 'Approve or reject a pending revision at its stage: team manager, then panel',
        description:
          'A revision more than the coordinator may approve alone goes to the team manager (role team-manager), then the panel (role panel). Panel approval puts it in force from its effectiveFrom; a rejection leaves the plan as it was. Out of order is 409.',
        params: RevisionParams,
        body: RevisionDecisionBody,
        response: { 200: PlanRevisionResource, ...problemResponses },
      },
    },
    async (request) => {
      const principal = request.principal;
      assertMayDecide(rolesOf(principal), request.body.stage);
      const revision = await runWorkflow(request, (context) =>
        decidePlanRevision(context, request.params.id, request.params.number, request.body),
      );
      return toRevision(revision);
    },
  );

  app.post(
    '/support-plans/:id/decisions',
    {
      config: {
        problems: ['INVALID_STATE', 'SAME_ACTOR', 'INVALID_INPUT', 'PERSON_ERASED'],
        access: rolesAccess(...SUPPORT_PLAN.steps.approve.roles),
      },
      schema: {
        operationId: 'decideSupportPlan',
        tags: ['plans'],
        summary: 'Approve, return or reject a submitted plan at its current stage',
        description:
          'Stages in order: coordinator (role assessor) → team-manager → risk-enablement (only and always when a risk is unresolved) → panel. Out of order is 409. Separation of duties: the same key (whatever Ras-Actor says), or two keys naming the same person in Ras-Actor, may not decide two stages of one plan (409 SAME_ACTOR) unless the council has set separationOfDuties to relaxed. Panel approval needs startDate, and a plan within budget or an exceptionReason; it agrees the budget, fixes the payment agreement and schedules reviews in one transaction.',
        params: IdParams,
        headers: DecisionHeaders,
        body: DecisionBody,
        response: { 200: PlanResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const decision = request.body;
      const principal = request.principal;
      assertMayDecide(rolesOf(principal), decision.stage);
      const body = await runWorkflow(request, async (context) => {
        const after = await decidePlan(context, request.params.id, expected, decision);
        return shownPlan(context.tx, after);
      });
      reply.header('etag', etag(body.version));
      return body;
    },
  );
};

export default supportPlanRoutes;
