import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { costSupportPlan, panelChecklist, type SupportPlan } from 'ras-core';
import { Type } from 'typebox';
import { actorNameOf, actorOf, READERS, type Role, rolesAccess, type Scope } from '../../../auth/roles.js';
import { assertSeparateStage } from '../../../auth/separation-of-duties.js';
import type { Budget, DB, PlanDecision, PlanStage, SupportPlanRow } from '../../../db/schema.js';
import { AppError, invalidState, notFound, unprocessable } from '../../../errors.js';
import { assertVersion, etag, requireIfMatch } from '../../../http/etag.js';
import { iso } from '../../../http/iso.js';
import { pageRequest, toPage } from '../../../http/pagination.js';
import { write } from '../../../http/write.js';
import { scopeOf } from '../../../plugins/auth.js';
import { createOnce } from '../../../plugins/idempotency.js';
import type { CalculatedBudget } from '../../../rules/calculate-budget.js';
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

const DecisionHeaders = Type.Object({ ...IfMatchHeaders.properties, ...ActorHeader });

import { findBudget } from '../budgets/repository.js';
import { financialAssessmentInForce } from '../financial-assessments/repository.js';
import { agreeBudget, councilSettings } from './approval.js';
import { findPlan, insertDecision, insertPlan, listDecisions, listPlans, updatePlan } from './repository.js';
import { CreatePlanBody, DecisionBody, PlanResource, PlanStage as PlanStageSchema, PlanStatus, UpdatePlanBody } from './schemas.js';

/** Who decides at each stage (seed 002 slides 10–15): coordinator, team manager, then the panels. */
const STAGE_ROLES: Record<PlanStage, Role> = {
  coordinator: 'assessor',
  'team-manager': 'team-manager',
  'risk-enablement': 'panel',
  panel: 'panel',
};

/** The stage after an approval; the Risk Enablement Panel sits only, and always, when a risk is unresolved. */
function nextStage(stage: PlanStage, plan: SupportPlan): PlanStage | 'approved' {
  if (stage === 'coordinator') return 'team-manager';
  if (stage === 'team-manager') return plan.risks.some((risk) => !risk.resolved) ? 'risk-enablement' : 'panel';
  if (stage === 'risk-enablement') return 'panel';
  return 'approved';
}

interface PlanContext {
  readonly budget: Budget;
  readonly decisions: readonly PlanDecision[];
  readonly financialAssessmentDone: boolean;
}

/** Costs the plan against its budget and runs the panel checklist (ras-core does both). */
function assess(plan: SupportPlan, budget: Budget, financialAssessmentDone: boolean) {
  const calculation = budget.calculation as CalculatedBudget;
  const costing = costSupportPlan(plan, {
    totalAnnualPence: budget.total_annual_pence,
    weeksCovered: calculation.weeksCovered,
    weeksPerYear: calculation.weeksPerYear,
  });
  return { costing, checklist: panelChecklist(plan, costing, { financialAssessmentDone }) };
}

function toPlan(row: SupportPlanRow, context: PlanContext) {
  const plan = row.plan as SupportPlan;
  const { costing, checklist } = assess(plan, context.budget, context.financialAssessmentDone);
  return {
    id: row.id,
    budgetId: row.budget_id,
    personId: row.person_id,
    status: row.status,
    stage: row.stage,
    ...plan,
    costing,
    checklist,
    exception: row.exception as { reason: string; overBudgetPence: number } | null,
    decisions: context.decisions.map((decision) => ({
      id: decision.id,
      stage: decision.stage,
      outcome: decision.outcome,
      reasons: decision.reasons,
      planVersion: decision.plan_version,
      decidedBy: decision.decided_by,
      actorName: decision.actor_name,
      decidedAt: iso(decision.decided_at),
    })),
    submittedAt: iso(row.submitted_at),
    decidedAt: iso(row.decided_at),
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

function planEvent(row: SupportPlanRow) {
  return { id: row.id, budgetId: row.budget_id, personId: row.person_id, status: row.status, stage: row.stage, version: row.version };
}

async function contextOf(db: Kysely<DB>, scope: Scope, row: SupportPlanRow): Promise<PlanContext> {
  const budget = await findBudget(db, { councilId: scope.councilId, portalKeyId: null }, row.budget_id);
  if (!budget) throw new Error(`plan ${row.id} has lost its budget`);
  const [decisions, financial] = await Promise.all([
    listDecisions(db, scope.councilId, [row.id]),
    financialAssessmentInForce(db, scope.councilId, row.person_id, budget.start_date),
  ]);
  return { budget, decisions, financialAssessmentDone: financial !== undefined };
}

const WRITERS = rolesAccess('admin', 'assessor', 'integration', 'portal');

/** A plan locked for a change, visible to the scope, at the version the client saw (If-Match). */
async function lockPlan(tx: Kysely<DB>, scope: Scope, id: string, expected: number): Promise<SupportPlanRow> {
  const plan = await findPlan(tx, scope, id, { forUpdate: true });
  if (!plan) throw notFound('support plan', id);
  assertVersion(expected, plan.version);
  return plan;
}

/** Support plans: written by the person, agreed by coordinator, team manager and panel. */
const supportPlanRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/support-plans',
    {
      config: { access: WRITERS },
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
      const scope = scopeOf(request);
      const { budgetId, ...plan } = request.body;
      return createOnce(request, reply, async (tx, changes) => {
        const budget = await findBudget(tx, scope, budgetId);
        if (!budget)
          throw unprocessable('INVALID_INPUT', 'The budget does not exist', [
            { pointer: '/budgetId', detail: 'is not a budget you can see' },
          ]);
        if (budget.status !== 'indicative') throw invalidState(`A plan is written for an indicative budget; this one is ${budget.status}`);
        assess(plan as SupportPlan, budget, false);
        const row = await insertPlan(tx, scope.councilId, {
          budgetId,
          personId: budget.person_id,
          plan,
          createdByKeyId: request.principal.kind === 'key' ? request.principal.keyId : null,
        });
        changes.record({ action: 'support-plan.created', entityType: 'support-plan', entityId: row.id, after: planEvent(row) });
        return {
          body: toPlan(row, await contextOf(tx, scope, row)),
          headers: { location: `/v1/support-plans/${row.id}`, etag: etag(row.version) },
        };
      });
    },
  );

  app.put(
    '/support-plans/:id',
    {
      config: { access: WRITERS },
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
      const scope = scopeOf(request);
      const body = await write(request, async (tx, changes) => {
        const before = await lockPlan(tx, scope, request.params.id, expected);
        if (before.status !== 'draft' && before.status !== 'returned')
          throw invalidState(`Only a draft or returned plan can change; this one is ${before.status}`);
        const after = await updatePlan(tx, scope.councilId, before.id, { plan: JSON.stringify(request.body) });
        changes.record({
          action: 'support-plan.updated',
          entityType: 'support-plan',
          entityId: after.id,
          before: planEvent(before),
          after: planEvent(after),
        });
        return toPlan(after, await contextOf(tx, scope, after));
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
      return toPlan(row, await contextOf(app.db, scope, row));
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
      const rows = await listPlans(
        app.db,
        scope,
        { budgetId, personId, status, stage: stage as PlanStage | undefined },
        page.after,
        page.size + 1,
      );
      const contexts = await Promise.all(rows.slice(0, page.size).map((row) => contextOf(app.db, scope, row)));
      return toPage(rows, page, (row) => toPlan(row, contexts[rows.indexOf(row)] as PlanContext));
    },
  );

  app.post(
    '/support-plans/:id/submit',
    {
      config: { access: WRITERS },
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
      const scope = scopeOf(request);
      const body = await write(request, async (tx, changes) => {
        const before = await lockPlan(tx, scope, request.params.id, expected);
        if (before.status !== 'draft' && before.status !== 'returned')
          throw invalidState(`Only a draft or returned plan can be submitted; this one is ${before.status}`);
        const plan = before.plan as SupportPlan;
        if (plan.outcomes.length === 0 || plan.lines.length === 0) {
          throw unprocessable('INVALID_INPUT', 'A plan needs at least one outcome and one line before it is submitted', [
            ...(plan.outcomes.length === 0 ? [{ pointer: '/outcomes', detail: 'must list at least one outcome' }] : []),
            ...(plan.lines.length === 0 ? [{ pointer: '/lines', detail: 'must list at least one line' }] : []),
          ]);
        }
        const after = await updatePlan(tx, scope.councilId, before.id, {
          status: 'submitted',
          stage: 'coordinator',
          submitted_at: new Date(),
        });
        changes.record({
          action: 'support-plan.submitted',
          entityType: 'support-plan',
          entityId: after.id,
          before: planEvent(before),
          after: planEvent(after),
        });
        return toPlan(after, await contextOf(tx, scope, after));
      });
      reply.header('etag', etag(body.version));
      return body;
    },
  );

  app.post(
    '/support-plans/:id/decisions',
    {
      config: { access: rolesAccess('assessor', 'team-manager', 'panel') },
      schema: {
        operationId: 'decideSupportPlan',
        tags: ['plans'],
        summary: 'Approve, return or reject a submitted plan at its current stage',
        description:
          'Stages in order: coordinator (role assessor) → team-manager → risk-enablement (only and always when a risk is unresolved) → panel. Out of order is 409. Separation of duties: the same person (named in Ras-Actor when both decisions name one, otherwise the same key) may not decide two stages of one plan (409 SAME_ACTOR) unless the council has set separationOfDuties to relaxed. Panel approval needs startDate, and a plan within budget or an exceptionReason; it agrees the budget, fixes the payment agreement and schedules reviews in one transaction.',
        params: IdParams,
        headers: DecisionHeaders,
        body: DecisionBody,
        response: { 200: PlanResource, ...problemResponses },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request);
      const scope = scopeOf(request);
      const { stage, outcome, reasons, startDate, exceptionReason } = request.body as typeof request.body & {
        stage: PlanStage;
        outcome: PlanDecision['outcome'];
      };
      const principal = request.principal;
      if (principal.kind !== 'key' || !principal.roles.includes(STAGE_ROLES[stage])) {
        throw new AppError('FORBIDDEN', `A ${stage} decision needs the role ${STAGE_ROLES[stage]}`);
      }
      const body = await write(request, async (tx, changes) => {
        const before = await lockPlan(tx, scope, request.params.id, expected);
        if (before.status !== 'submitted') throw invalidState(`Only a submitted plan can be decided; this one is ${before.status}`);
        if (before.stage !== stage) throw invalidState(`The plan is waiting for the ${before.stage} decision, not ${stage}`);
        const plan = before.plan as SupportPlan;
        const context = await contextOf(tx, scope, before);
        const decider = { actor: actorOf(principal), actorName: actorNameOf(principal) };
        if ((await councilSettings(tx, scope.councilId)).separationOfDuties === 'strict') {
          assertSeparateStage(
            decider,
            stage,
            context.decisions.map((decision) => ({ stage: decision.stage, actor: decision.decided_by, actorName: decision.actor_name })),
          );
        }
        let exception: { reason: string; overBudgetPence: number } | null = null;
        const next = outcome === 'approve' ? nextStage(stage, plan) : null;
        if (next === 'approved') {
          if (startDate === undefined)
            throw unprocessable('INVALID_INPUT', 'Panel approval needs the date the budget starts', [
              { pointer: '/startDate', detail: 'is required to approve at panel' },
            ]);
          const { costing } = assess(plan, context.budget, context.financialAssessmentDone);
          if (!costing.withinBudget) {
            if (exceptionReason === undefined) {
              throw unprocessable(
                'INVALID_INPUT',
                `The plan is ${-costing.headroomPence} pence over budget: approve it only as an exception, with exceptionReason`,
                [{ pointer: '/exceptionReason', detail: 'is required to approve a plan over budget' }],
              );
            }
            exception = { reason: exceptionReason, overBudgetPence: -costing.headroomPence };
          }
        }
        const decision = await insertDecision(tx, scope.councilId, {
          planId: before.id,
          stage,
          outcome,
          reasons,
          planVersion: before.version,
          decidedBy: decider.actor,
          actorName: decider.actorName,
        });
        const change =
          outcome === 'return'
            ? { status: 'returned' as const, stage: null, decided_at: new Date() }
            : outcome === 'reject'
              ? { status: 'rejected' as const, stage: null, decided_at: new Date() }
              : next === 'approved'
                ? {
                    status: 'approved' as const,
                    stage: null,
                    decided_at: new Date(),
                    exception: exception === null ? null : JSON.stringify(exception),
                  }
                : { stage: next as PlanStage };
        const after = await updatePlan(tx, scope.councilId, before.id, change);
        changes.record({
          action: `support-plan.${outcome === 'approve' ? (next === 'approved' ? 'approved' : 'stage-approved') : outcome === 'return' ? 'returned' : 'rejected'}`,
          entityType: 'support-plan',
          entityId: after.id,
          before: planEvent(before),
          after: { ...planEvent(after), decision: { id: decision.id, stage, outcome }, exception },
        });
        if (next === 'approved') await agreeBudget(app, tx, changes, scope, after, startDate as string);
        return toPlan(after, await contextOf(tx, scope, after));
      });
      reply.header('etag', etag(body.version));
      return body;
    },
  );
};

export default supportPlanRoutes;
